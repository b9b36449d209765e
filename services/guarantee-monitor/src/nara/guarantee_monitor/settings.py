from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings


class GuaranteeMonitorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUARANTEE_MONITOR_", extra="ignore")

    service_name: str = "guarantee-monitor"
    port: int = 8003
    # e.g. {"days_by_profession": {"physiotherapist": 7, "occupational_therapist": 7, "psychologist": 14,
    #       "counsellor": 14}, "alert_tiers_hours": [48, 24, 8]}; empty means the national rule alone.
    policy_json: str = ""
    consumer_group: str = "guarantee-monitor"
    scheduler_interval_seconds: float = 0.25
    # Where the operations page links an alert's trace; {trace_id} is filled in.
    trace_url_template: str = "http://127.0.0.1:9411/zipkin/traces/{trace_id}"
