"""SOAP 1.1 envelopes in and out (lxml): the request's logical address and body element, answers and faults."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import Response
from lxml import etree

from .contract import REGISTRY, SAFE_PARSER, SOAP_ENV, Interaction

XML_TYPE = "text/xml; charset=utf-8"  # SOAP 1.1


class SoapFault(Exception):
    """A request the service cannot answer: a Client fault is the caller's to fix, a Server fault Nära's."""

    def __init__(self, text: str, *, client: bool = True):
        super().__init__(text)
        self.text = text
        self.client = client


@dataclass(frozen=True)
class SoapRequest:
    logical_address: str
    body: etree._Element


def read_request(raw: bytes, found: Interaction) -> SoapRequest:
    try:
        envelope = etree.fromstring(raw, SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise SoapFault(f"Meddelandet är inte giltig XML: {error.msg}") from None
    if envelope.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapFault("Meddelandet är inte ett SOAP 1.1-kuvert.")
    address = envelope.find(f"{{{SOAP_ENV}}}Header/{{{REGISTRY}}}LogicalAddress")
    if address is None or not (address.text or "").strip():
        raise SoapFault("Huvudet LogicalAddress (vårdenhetens HSA-id) saknas.")
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    request = next(iter(body), None) if body is not None else None
    if request is None or request.tag != f"{{{found.responder}}}{found.name}":
        raise SoapFault(f"Kroppen ska innehålla {found.name} i namnrymden {found.responder}.")
    return SoapRequest((address.text or "").strip(), request)


def envelope_of(content: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(content)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def answer(content: etree._Element) -> Response:
    return Response(envelope_of(content), media_type=XML_TYPE)


def fault(refused: SoapFault) -> Response:
    """A SOAP 1.1 fault. A Client fault answers 400, not SOAP 1.1's 500, so that a caller's mistake never looks
    like Nära failing in the platform's monitoring; a Server fault answers 500."""
    body = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(body, "faultcode").text = "soapenv:Client" if refused.client else "soapenv:Server"
    etree.SubElement(body, "faultstring").text = refused.text
    return Response(envelope_of(body), status_code=400 if refused.client else 500, media_type=XML_TYPE)
