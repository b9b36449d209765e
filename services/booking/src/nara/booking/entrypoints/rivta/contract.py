"""The crm:scheduling 1.1 service contract as Nära serves it: namespaces, Nära's schemas and each interaction's WSDL
(RIVTA basic profile 2.1: SOAP 1.1, document/literal, the logical address in a SOAP header)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).parent / "schema"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
CORE = "urn:riv:crm:scheduling:1"
CORE_EXT = "urn:riv:crm:scheduling:1.1"
REGISTRY = "urn:riv:itintegration:registry:1"  # where RIVTA's LogicalAddress header element lives

# The interactions Nära serves, with the extension schema each responder imports (if any).
INTERACTIONS: dict[str, bool] = {
    "GetAllHealthcareFacilities": False,
    "GetAllTimeTypes": True,
    "GetAllCareTypes": False,
    "GetAllPerformers": False,
    "GetAvailableDates": True,
    "GetAvailableTimeslots": True,
    "MakeBooking": False,
    "CancelBooking": False,
    "GetBookingDetails": False,
    "UpdateBooking": False,
    "GetSubjectOfCareSchedule": False,
}

# A parser that reads no DTD, expands no entity and fetches nothing: the envelope comes from outside.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Interaction:
    name: str
    has_extension: bool

    @property
    def responder(self) -> str:
        return f"urn:riv:crm:scheduling:{self.name}Responder:1"

    @property
    def extension(self) -> str:
        return f"urn:riv:crm:scheduling:{self.name}Responder:1.1"

    @property
    def service(self) -> str:
        return f"urn:riv:crm:scheduling:{self.name}:1:rivtabp21"

    @property
    def soap_action(self) -> str:
        return f"{self.responder}:{self.name}"

    def schema_files(self) -> list[Path]:
        """The schema documents the interaction needs, each after those it imports."""
        files = [SCHEMA_DIR / "core_ext.xsd", SCHEMA_DIR / "core.xsd"]
        if self.has_extension:
            files.append(SCHEMA_DIR / f"{self.name}Responder_ext.xsd")
        return [*files, SCHEMA_DIR / f"{self.name}Responder.xsd"]


def interaction(name: str) -> Interaction | None:
    return Interaction(name, INTERACTIONS[name]) if name in INTERACTIONS else None


@cache
def schema_of(name: str) -> etree.XMLSchema:
    """Nära's schema of one interaction: its request and response elements, and the core types they use."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"{name}Responder.xsd"), SAFE_PARSER))


def schema_errors(name: str, element: etree._Element) -> list[str]:
    """Why the element does not fit the interaction's schema; empty when it does."""
    schema = schema_of(name)
    document = etree.ElementTree(etree.fromstring(etree.tostring(element), SAFE_PARSER))
    if schema.validate(document):
        return []
    return [f"{error.message} (rad {error.line})" for error in schema.error_log]


def wsdl_of(found: Interaction, location: str) -> bytes:
    """The interaction's WSDL, with Nära's schemas inline so that a client needs one fetch."""
    w, s = f"{{{WSDL}}}", f"{{{WSDL_SOAP}}}"
    nsmap = {"wsdl": WSDL, "soap": WSDL_SOAP, "tns": found.service, "tjsr": found.responder, "itr": REGISTRY}
    definitions = etree.Element(w + "definitions", nsmap=nsmap, name=found.name, targetNamespace=found.service)
    types = etree.SubElement(definitions, w + "types")
    types.append(_logical_address_schema())
    for path in found.schema_files():
        schema = etree.parse(str(path), SAFE_PARSER).getroot()
        for imported in schema.iter(f"{{{XS}}}import"):
            imported.attrib.pop("schemaLocation", None)  # inline: resolved by namespace among the types' schemas
        # Declared anew rather than moved: lxml drops a moved element's prefixes that only attribute values
        # (type="tns:...") use, and the schemas' QNames need them.
        inline = etree.SubElement(types, schema.tag, attrib=dict(schema.attrib), nsmap=schema.nsmap)
        inline.extend(schema)

    request, response = f"{found.name}Request", f"{found.name}Response"
    message = etree.SubElement(definitions, w + "message", name=request)
    etree.SubElement(message, w + "part", name="LogicalAddress", element="itr:LogicalAddress")
    etree.SubElement(message, w + "part", name="parameters", element=f"tjsr:{found.name}")
    message = etree.SubElement(definitions, w + "message", name=response)
    etree.SubElement(message, w + "part", name="parameters", element=f"tjsr:{found.name}Response")

    port_type = etree.SubElement(definitions, w + "portType", name=f"{found.name}ResponderInterface")
    operation = etree.SubElement(port_type, w + "operation", name=found.name)
    etree.SubElement(operation, w + "input", message=f"tns:{request}")
    etree.SubElement(operation, w + "output", message=f"tns:{response}")

    binding = etree.SubElement(
        definitions, w + "binding", name=f"{found.name}ResponderBinding", type=f"tns:{found.name}ResponderInterface"
    )
    etree.SubElement(binding, s + "binding", style="document", transport="http://schemas.xmlsoap.org/soap/http")
    operation = etree.SubElement(binding, w + "operation", name=found.name)
    etree.SubElement(operation, s + "operation", soapAction=found.soap_action, style="document")
    given = etree.SubElement(operation, w + "input")
    etree.SubElement(given, s + "header", use="literal", message=f"tns:{request}", part="LogicalAddress")
    etree.SubElement(given, s + "body", use="literal", parts="parameters")
    etree.SubElement(etree.SubElement(operation, w + "output"), s + "body", use="literal")

    service = etree.SubElement(definitions, w + "service", name=f"{found.name}ResponderService")
    port = etree.SubElement(
        service, w + "port", name=f"{found.name}ResponderPort", binding=f"tns:{found.name}ResponderBinding"
    )
    etree.SubElement(port, s + "address", location=location)
    return bytes(etree.tostring(definitions, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _logical_address_schema() -> etree._Element:
    schema = etree.Element(
        f"{{{XS}}}schema", nsmap={"xs": XS}, targetNamespace=REGISTRY, elementFormDefault="qualified"
    )
    etree.SubElement(schema, f"{{{XS}}}element", name="LogicalAddress", type="xs:string")
    return schema
