from pathlib import Path

from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings

GUIDELINES = Path(__file__).resolve().parents[3] / "guidelines"


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    service_name: str = "triage"
    port: int = 8002
    guidelines_dir: Path = GUIDELINES
    booking_url: str = "http://127.0.0.1:8001"  # the console books on a patient's behalf through booking's API
    load_demo_data: bool = False  # './nara run' sets it: the demo citizen is guardian of two demo children
