"""RIVTA crm:scheduling 1.1 (1177's web booking through the national service platform), producer side."""

from .router import router

__all__ = ["router"]
