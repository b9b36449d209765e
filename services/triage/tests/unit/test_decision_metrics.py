"""The triage decisions counter: labels only from closed vocabularies, whatever staff type into an override."""

from prometheus_client import REGISTRY

from nara.triage.service.decision_metrics import count_decision


def decisions(**labels) -> float:
    return REGISTRY.get_sample_value("nara_triage_decisions_total", labels) or 0.0


def test_a_decision_is_counted_by_kind_urgency_care_level_channel_and_override():
    labels = dict(kind="contact", urgency="yellow", care_level="within_3_days", channel="phone_unit", overridden="true")
    before = decisions(**labels)

    count_decision(
        "contact",
        {"urgency": "yellow", "care_level": "within_3_days", "profession": "nurse"},
        "phone_unit",
        overridden=True,
    )

    assert decisions(**labels) == before + 1


def test_values_outside_the_vocabularies_are_counted_as_other_so_no_free_text_becomes_a_label():
    labels = dict(kind="preview", urgency="other", care_level="other", channel="other", overridden="false")
    before = decisions(**labels)

    count_decision("preview", {"urgency": "19121212-1212", "care_level": "ring Anna Andersson"}, "19121212-1212")

    assert decisions(**labels) == before + 1
    exposed = {
        sample.labels.get(name)
        for metric in REGISTRY.collect()
        for sample in metric.samples
        for name in ("urgency", "care_level", "channel")
    }
    assert "19121212-1212" not in exposed and "ring Anna Andersson" not in exposed
