"""HL7 FHIR R4 scheduling (/fhir/R4) over booking's use cases."""

from . import fallback  # the reads, the operations and, after them, the catch-all path
from .routes import router

__all__ = ["fallback", "router"]
