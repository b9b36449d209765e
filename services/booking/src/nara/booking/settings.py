from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from nara.shared.settings import ServiceSettings

from .domain.holidays import DEFAULT_CLOSED_EVES, EVES


class BookingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKING_", extra="ignore")

    service_name: str = "booking"
    port: int = 8001
    hold_minutes: int = 5
    max_future_web_bookings_per_unit: int = 3
    contacts_consumer_group: str = "booking-contacts"
    # A repeated request with the same Idempotency-Key gets the first answer for this long; then the key is free.
    idempotency_retention_hours: int = Field(168, ge=1)
    load_demo_data: bool = False  # './nara run' sets it: three Halland units, their staff and weekly templates
    # Slots are kept generated from the weekly templates this many days ahead (8 weeks), checked this often.
    slot_horizon_days: int = Field(56, ge=1, le=400)
    slot_horizon_every_seconds: float = Field(3600, gt=0)
    # The offer job (waitlist offers) looks for freed times and lapsed offers this often; an idle look is two
    # indexed queries. The offer's link starts with public_base_url (below).
    offer_every_seconds: float = Field(1.0, gt=0)
    triage_url: str = "http://127.0.0.1:8002"  # the triage service, for the citizens' pages
    # Signs the pages' CSRF tokens and flow cookie; set it when several booking processes serve the pages.
    pages_secret: SecretStr | None = None
    # The region's own HSA-id and name: the unit a region administrator logs in at to add care units, since every
    # staff login names a unit and a region starting from nothing has no care unit yet.
    region_hsa_id: str = Field("SE2321000115-E00000000001", pattern=r"^SE[0-9]{10}-[A-Z0-9]{1,31}$")
    region_name: str = "Region Halland, regionkontoret"
    # The citizens' pages' header: the region's name, and its logo beside it (a path on this site or a data: URL,
    # since the pages' Content-Security-Policy loads images from nowhere else); no logo when empty.
    region_public_name: str = "Region Halland"
    region_logo_url: str = Field("", pattern=r"^(|/[^/].*|data:image/.*)$")
    # Messages to patients (offers, reminders): the outbox is sent every this often, a retryable failure waits
    # message_retry_seconds and twice that each time after, up to message_max_attempts in all. E-mail and SMS are
    # configured by NARA_SMTP_* and NARA_SMS_* (nara.shared.messaging); a channel not configured parks its messages.
    message_poll_seconds: float = Field(1.0, gt=0)
    message_retry_seconds: float = Field(30, gt=0)
    message_max_attempts: int = Field(6, ge=1, le=50)
    # Reminders before booked times are looked for this often; each is left once, when its moment has come.
    reminder_every_seconds: float = Field(30, gt=0)
    # The citizens' pages' address, for the links in messages (a reminder's "avboka eller boka om", an offer's
    # /erbjudande/<token>).
    public_base_url: str = Field("http://127.0.0.1:8001", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    # The eves the region's units are closed on, beside every public holiday (domain/holidays.py, EVES).
    closed_holiday_eves: frozenset[str] = DEFAULT_CLOSED_EVES
    # RIVTA crm:scheduling (entrypoints/rivta): the HSA-id in the subject of the token 1177's national service
    # platform calls with; no other caller may use the RIVTA interactions.
    rivta_platform_client_id: str = "SE165565594230-1000"

    @field_validator("closed_holiday_eves")
    @classmethod
    def _known_eves(cls, eves: frozenset[str]) -> frozenset[str]:
        unknown = sorted(eves - set(EVES))
        if unknown:
            raise ValueError(f"unknown eves {unknown}; known are {list(EVES)}")
        return eves
