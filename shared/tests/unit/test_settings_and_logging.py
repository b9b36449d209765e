import json
import logging

from nara.booking.settings import BookingSettings
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings
from nara.shared.logging import configure_json_logging


def test_each_service_reads_its_own_prefixed_settings_and_the_common_kafka_address(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    monkeypatch.setenv("BOOKING_DATABASE_URL", "postgresql://booking@127.0.0.1/booking")
    monkeypatch.setenv("GUARANTEE_MONITOR_DATABASE_URL", "postgresql://gm@127.0.0.1/guarantee_monitor")
    monkeypatch.setenv("GUARANTEE_MONITOR_PORT", "9999")

    booking, monitor = BookingSettings(), GuaranteeMonitorSettings()

    assert booking.database_url.endswith("/booking") and booking.port == 8001
    assert monitor.database_url.endswith("/guarantee_monitor") and monitor.port == 9999
    assert booking.kafka_bootstrap_servers == monitor.kafka_bootstrap_servers == "127.0.0.1:19092"


def test_log_lines_are_single_json_objects_with_service_level_and_utc_time(capsys):
    configure_json_logging("triage", "INFO")
    logging.getLogger("nara.test").info("contact registered", extra={"contact_id": "c-1"})

    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert line["service"] == "triage" and line["level"] == "INFO" and line["message"] == "contact registered"
    assert line["contact_id"] == "c-1"
    assert line["time"].endswith("+00:00")
