"""An alert's event id is its identity: the same alert from any monitor, rebuild or replay has the same id."""

from datetime import UTC, datetime, timedelta

from nara.guarantee_monitor.domain.alerts import Alert
from nara.guarantee_monitor.service.clock_keeping import alert_event_id

DEADLINE = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)


def tier(key: str = "at_risk:48", deadline: datetime = DEADLINE) -> Alert:
    return Alert(key, "at_risk", "info", deadline - timedelta(hours=48), deadline, "Ingen tid bokad")


def test_the_same_alert_has_the_same_id_and_another_alert_another():
    same = alert_event_id("c-1", tier())

    assert alert_event_id("c-1", tier()) == same
    assert (
        len(
            {
                same,
                alert_event_id("c-2", tier()),
                alert_event_id("c-1", tier("regional:at_risk:48")),
                alert_event_id("c-1", tier(deadline=DEADLINE + timedelta(days=4))),
            }
        )
        == 4
    )
