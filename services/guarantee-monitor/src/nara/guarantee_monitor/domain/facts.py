"""What the events have told about one contact, each fact with its own time, whatever order they came in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Booking:
    id: str
    booked_at: datetime | None = None  # when the booking was made (the event's time)
    start: datetime | None = None
    end: datetime | None = None
    profession: str | None = None
    contact_form: str | None = None
    earlier_offered: bool = False  # times within the guarantee were offered and a later one chosen
    ended_at: datetime | None = None  # cancelled, no-show, moved by a rebooking, or completed
    end_kind: str | None = None

    def active_at(self, moment: datetime) -> bool:
        return (
            self.booked_at is not None
            and self.booked_at <= moment
            and self.start is not None
            and (self.ended_at is None or self.ended_at > moment)
        )


@dataclass(frozen=True)
class Assessment:
    at: datetime
    profession: str | None
    contact_form: str | None


@dataclass(frozen=True)
class Triage:
    at: datetime
    guarantee_applies: bool
    profession: str | None


@dataclass(frozen=True)
class ListingResolution:
    """Staff found out where the patient is listed, after registration said unknown."""

    at: datetime
    listing: str  # here or elsewhere
    listed_unit: str | None


@dataclass(frozen=True)
class ContactFacts:
    contact_id: str
    patient: str | None = None
    unit: str | None = None
    listed_unit: str | None = None
    listing: str | None = None  # here, elsewhere or unknown, as registration said; None on older events
    sex: str | None = None  # coarse, for national reporting
    age_group: str | None = None
    channel: str | None = None
    sought_at: datetime | None = None
    registered_at: datetime | None = None
    triages: tuple[Triage, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    closed_at: datetime | None = None
    close_reason: str | None = None
    bookings: dict[str, Booking] = field(default_factory=dict)
    listing_resolutions: tuple[ListingResolution, ...] = ()

    def triage_at(self, moment: datetime) -> Triage | None:
        known = [t for t in self.triages if t.at <= moment]
        return max(known, key=lambda t: t.at) if known else None

    def assessment_at(self, moment: datetime) -> Assessment | None:
        """The first medical assessment made by then: it is the one that stops the clock."""
        known = [a for a in self.assessments if a.at <= moment]
        return min(known, key=lambda a: a.at) if known else None

    def listing_resolution_at(self, moment: datetime | None) -> ListingResolution | None:
        """The latest listing staff resolved by then (by now, when `moment` is None)."""
        known = [r for r in self.listing_resolutions if moment is None or r.at <= moment]
        return max(known, key=lambda r: r.at) if known else None

    def first_assessment(self) -> Assessment | None:
        return min(self.assessments, key=lambda a: a.at) if self.assessments else None

    def with_booking(self, booking_id: str, **changes: Any) -> ContactFacts:
        current = self.bookings.get(booking_id, Booking(booking_id))
        return replace(self, bookings={**self.bookings, booking_id: replace(current, **changes)})

    def event_times(self) -> list[datetime]:
        times = [
            self.registered_at,
            self.closed_at,
            *(t.at for t in self.triages),
            *(a.at for a in self.assessments),
            *(r.at for r in self.listing_resolutions),
        ]
        for booking in self.bookings.values():
            times += [booking.booked_at, booking.ended_at]
        return sorted({t for t in times if t is not None})

    def to_json(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict, which deep-copies every value: this runs once per event.
        return {
            "contact_id": self.contact_id,
            "patient": self.patient,
            "unit": self.unit,
            "listed_unit": self.listed_unit,
            "listing": self.listing,
            "sex": self.sex,
            "age_group": self.age_group,
            "channel": self.channel,
            "sought_at": self.sought_at,
            "registered_at": self.registered_at,
            "triages": [
                {"at": t.at, "guarantee_applies": t.guarantee_applies, "profession": t.profession} for t in self.triages
            ],
            "assessments": [
                {"at": a.at, "profession": a.profession, "contact_form": a.contact_form} for a in self.assessments
            ],
            "closed_at": self.closed_at,
            "close_reason": self.close_reason,
            "bookings": {
                key: {
                    "id": b.id,
                    "booked_at": b.booked_at,
                    "start": b.start,
                    "end": b.end,
                    "profession": b.profession,
                    "contact_form": b.contact_form,
                    "earlier_offered": b.earlier_offered,
                    "ended_at": b.ended_at,
                    "end_kind": b.end_kind,
                }
                for key, b in self.bookings.items()
            },
            "listing_resolutions": [
                {"at": r.at, "listing": r.listing, "listed_unit": r.listed_unit} for r in self.listing_resolutions
            ],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ContactFacts:
        def moment(value: Any) -> Any:  # the JSON's ISO text, or already a datetime (or None) as given
            return datetime.fromisoformat(value) if isinstance(value, str) else value

        bookings = {
            key: Booking(
                **{k: moment(v) if k in ("booked_at", "start", "end", "ended_at") else v for k, v in value.items()}
            )
            for key, value in raw.get("bookings", {}).items()
        }
        return cls(
            contact_id=raw["contact_id"],
            patient=raw.get("patient"),
            unit=raw.get("unit"),
            listed_unit=raw.get("listed_unit"),
            listing=raw.get("listing"),
            sex=raw.get("sex"),
            age_group=raw.get("age_group"),
            channel=raw.get("channel"),
            sought_at=moment(raw.get("sought_at")),
            registered_at=moment(raw.get("registered_at")),
            triages=tuple(
                Triage(moment(t["at"]), t["guarantee_applies"], t["profession"]) for t in raw.get("triages", ())
            ),
            assessments=tuple(
                Assessment(moment(a["at"]), a["profession"], a["contact_form"]) for a in raw.get("assessments", ())
            ),
            closed_at=moment(raw.get("closed_at")),
            close_reason=raw.get("close_reason"),
            bookings=bookings,
            listing_resolutions=tuple(
                ListingResolution(moment(r["at"]), r["listing"], r["listed_unit"])
                for r in raw.get("listing_resolutions", ())
            ),
        )
