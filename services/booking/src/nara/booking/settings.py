from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings


class BookingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKING_", extra="ignore")

    service_name: str = "booking"
    port: int = 8001
