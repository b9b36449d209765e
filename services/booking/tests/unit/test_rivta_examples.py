"""The example messages in docs/rivta.md fit Nära's schemas, and Nära's schemas refuse what the contract refuses."""

import re
from pathlib import Path

import pytest
from lxml import etree

from nara.booking.entrypoints.rivta import contract

DOC = Path(__file__).parents[2] / "docs" / "rivta.md"


def body_of(envelope: str) -> etree._Element:
    return etree.fromstring(envelope.encode()).find(f"{{{contract.SOAP_ENV}}}Body")[0]


def test_the_documented_request_and_answer_fit_the_schema():
    examples = re.findall(r"```xml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)

    assert len(examples) == 2
    for example in examples:
        assert contract.schema_errors("MakeBooking", body_of(example)) == []


@pytest.mark.parametrize(
    ("subject", "fits"),
    [("198501011230", True), ("19850101T230", True), ("^198501011230$", False), ("19850101-1230", False)],
)
def test_the_personnummer_pattern_is_the_contracts_intent(subject, fits):
    request = etree.fromstring(
        f'<GetAllHealthcareFacilities xmlns="urn:riv:crm:scheduling:GetAllHealthcareFacilitiesResponder:1">'
        f"<healthcare_facility>SE2321000115-E00000000011</healthcare_facility>"
        f"<subject_of_care>{subject}</subject_of_care></GetAllHealthcareFacilities>"
    )

    assert (contract.schema_errors("GetAllHealthcareFacilities", request) == []) is fits


def test_every_wsdl_holds_the_logical_address_header_and_the_responder_schema():
    for name in contract.INTERACTIONS:
        found = contract.interaction(name)
        wsdl = etree.fromstring(contract.wsdl_of(found, f"http://nara/{name}"))
        namespaces = {s.get("targetNamespace") for s in wsdl.iter(f"{{{contract.XS}}}schema")}

        assert {contract.REGISTRY, contract.CORE, found.responder} <= namespaces
        assert wsdl.find(f".//{{{contract.WSDL_SOAP}}}header").get("part") == "LogicalAddress"
