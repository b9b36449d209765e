from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from nara.shared.care_guarantee import POLICY_VARIABLE
from nara.shared.settings import ServiceSettings


class GuaranteeMonitorSettings(ServiceSettings):
    # validate_by_name: the field's own name is already among its aliases below; saying so lets mypy's pydantic
    # plugin check the constructor's arguments.
    model_config = SettingsConfigDict(env_prefix="GUARANTEE_MONITOR_", extra="ignore", validate_by_name=True)

    service_name: str = "guarantee-monitor"
    port: int = 8003
    # The monitor's alert tiers, e.g. {"alert_tiers_hours": [48, 24, 8]}. The region's limits per profession
    # belong in NARA_CARE_GUARANTEE_POLICY, which every service reads; set here (the older form) they are used
    # only when that is not set, and must agree with it when it is.
    policy_json: str = ""
    # The region's care guarantee policy, the same variable for every service.
    care_guarantee_policy: str = Field(
        default="", validation_alias=AliasChoices(POLICY_VARIABLE, "care_guarantee_policy")
    )
    # The units reported on, by HSA-id: {"<hsa-id>": {"name": ..., "region_code": "13", "ownership":
    # "offentlig" | "privat"}}; empty means the three demo units of Region Halland.
    units_json: str = ""
    consumer_group: str = "guarantee-monitor"
    scheduler_interval_seconds: float = 0.25
    # Where the operations page links an alert's trace; {trace_id} is filled in.
    trace_url_template: str = "http://127.0.0.1:9411/zipkin/traces/{trace_id}"

    @field_validator("trace_url_template")
    @classmethod
    def _one_placeholder(cls, template: str) -> str:
        """Checked at the start: a template that cannot be filled in would fail every clock the API shows."""
        try:
            filled = template.format(trace_id="0" * 32)
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"the trace URL template takes only {{trace_id}}, not {error}") from None
        if not filled.startswith(("https://", "http://")):
            raise ValueError("the trace URL template is an http(s) address")
        return template
