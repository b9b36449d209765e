from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings

GUIDELINES = Path(__file__).resolve().parents[3] / "guidelines"


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    service_name: str = "triage"
    port: int = 8002
    guidelines_dir: Path = GUIDELINES
    booking_url: str = "http://127.0.0.1:8001"  # the console books on a patient's behalf through booking's API
    # The console shows the guarantee monitor's clocks (time left, status, the booked time), falling back to its
    # own computation, with a note, when the monitor does not answer.
    guarantee_monitor_url: str = "http://127.0.0.1:8003"
    guarantee_monitor_timeout_seconds: float = Field(1.5, gt=0)
    load_demo_data: bool = False  # './nara run' sets it: the demo citizen is guardian of two demo children
    # How long an Idempotency-Key's first answer is kept to replay to a retry; then forgotten in batches by age.
    idempotency_retention_hours: int = Field(168, ge=1)
