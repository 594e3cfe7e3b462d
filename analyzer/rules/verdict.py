"""The three-valued outcome of a condition, with what decided it (Kleene logic: analyzer.logic)."""
from __future__ import annotations

from dataclasses import dataclass

from analyzer import logic


@dataclass(frozen=True)
class Verdict:
    value: bool | None  # None = unknown
    attr: str | None = None  # attribute path that decided it, for the finding's line
    evidence: str = ""  # what was seen, for the message
    expected: str = ""  # what the condition wanted ("equals true"); flipped by negate
    vacuous: bool = False  # true only because there was nothing to check ("no listener")

    def explain(self) -> str:
        return f"{self.evidence} (expected {self.expected})" if self.expected else self.evidence


TRUE = Verdict(True)


def negate(verdict: Verdict) -> Verdict:
    value = logic.negate(verdict.value)
    expected = verdict.expected
    if expected:
        expected = expected[4:] if expected.startswith("not ") else f"not {expected}"
    return Verdict(value, verdict.attr, verdict.evidence, expected)


def all_of(verdicts) -> Verdict:
    """Kleene AND: false wins, then unknown, else true (explained by the parts that held for a
    reason, not those that held because there was nothing to check)."""
    decider, held = logic.conjunction(verdicts)
    if decider is not None:
        return decider
    telling = [v for v in held if not v.vacuous] or held
    if not telling:
        return TRUE
    evidence = "; ".join(dict.fromkeys(v.explain() for v in telling if v.evidence))
    return Verdict(True, telling[0].attr, evidence, vacuous=all(v.vacuous for v in held))


def any_of(verdicts) -> Verdict:
    """Kleene OR: true wins, then unknown, else false."""
    return logic.disjunction(verdicts) or Verdict(False)
