"""Three-valued (Kleene) logic, the one implementation: True, False and None (unknown).

Rule conditions (``analyzer.rules.verdict.Verdict``) and policy analysis
(``analyzer.providers.aws.policy.Answer``) both carry a ``value`` in {True, False, None} plus
their own explanation; these functions pick the operand that decides a conjunction or a
disjunction, and each caller builds its own explanation from it. Both stop consuming their
(possibly lazy) operands as soon as the result is decided, so a later operand is not even
evaluated.
"""
from __future__ import annotations


def negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def conjunction(answers):
    """Kleene AND over objects with ``.value``: false wins, then unknown, else true.

    Returns ``(decider, held)``: ``decider`` is the first false answer (consumption stops
    there), else the first unknown answer, else None (the conjunction holds); ``held`` lists
    the answers that were not false, in order (all of them when the conjunction holds)."""
    unknown = None
    held = []
    for answer in answers:
        if answer.value is False:
            return answer, held
        if answer.value is None and unknown is None:
            unknown = answer
        held.append(answer)
    return unknown, held


def disjunction(answers):
    """Kleene OR over objects with ``.value``: true wins, then unknown, else false.

    Returns the first true answer (consumption stops there), else the first unknown, else the
    first false; None when there are no answers (the caller's "false, nothing matched")."""
    unknown = None
    first_false = None
    for answer in answers:
        if answer.value is True:
            return answer
        if answer.value is None and unknown is None:
            unknown = answer
        if answer.value is False and first_false is None:
            first_false = answer
    return unknown or first_false
