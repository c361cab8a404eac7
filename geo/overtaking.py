"""Where a rival overtook the property: it beats the property on a surface in the latest audit
and did not in the audit before (`geo.rivals.beats`: higher visibility, or equal with a better
average rank)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo.rivals import PROPERTY_KEY, Point, Rival, Table, beats


def overtakes(rival: dict[str, list[Point]], prop: dict[str, list[Point]]) -> list[str]:
    """The surfaces where the rival beats the property in its latest audit and did not in the
    one before (both measured on that surface)."""
    found = []
    for surface, points in sorted(rival.items()):
        mine = {p.audit_id: p.figures for p in prop.get(surface, [])}
        both = [(p.figures, mine[p.audit_id]) for p in points if p.audit_id in mine]
        if len(both) >= 2 and beats(*both[-1]) and not beats(*both[-2]):
            found.append(surface)
    return found


@dataclass(frozen=True)
class Overtake:
    """A rival that now beats the property on a surface, with both sides' figures."""

    competitor: str
    domain: str
    surface: str
    visibility: float
    property_visibility: float
    avg_rank: float | None
    property_avg_rank: float | None

    def reason(self, property_name: str) -> str:
        return (
            f"{self.competitor} overtook {property_name} on {self.surface} "
            f"(visibility {self.visibility:.1f}% vs {self.property_visibility:.1f}%)"
        )

    @property
    def label(self) -> str:
        """Who and where, as the banners name it (`geo.alerts.Standing.overtaken`)."""
        return f"{self.competitor} on {self.surface}"


def overtaken(tab: Table, rivals: Sequence[Rival]) -> list[Overtake]:
    """Every (rival, surface) overtake in `tab`, by rival then surface."""
    prop = tab.get(PROPERTY_KEY, {})
    out = []
    for rival in rivals:
        for surface in overtakes(tab.get(rival.key, {}), prop):
            now, mine = tab[rival.key][surface][-1].figures, prop[surface][-1].figures
            sides = (now.visibility, mine.visibility, now.avg_rank, mine.avg_rank)
            out.append(Overtake(rival.name, rival.domain, surface, *sides))
    return out
