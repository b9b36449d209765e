from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings


class GuaranteeMonitorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUARANTEE_MONITOR_", extra="ignore")

    service_name: str = "guarantee-monitor"
    port: int = 8003
