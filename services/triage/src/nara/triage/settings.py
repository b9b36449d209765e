from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    service_name: str = "triage"
    port: int = 8002
