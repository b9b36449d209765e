"""HL7 FHIR R4 scheduling (/fhir/R4) over booking's use cases."""

from .routes import router

__all__ = ["router"]
