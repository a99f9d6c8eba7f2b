"""The validation problem record and the collector the rule modules share."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """One broken rule: where (a JSON path such as ``root.steps[3].numericMeas[1]``) and what.

    ``code`` is a short stable rule name (e.g. ``"status-mismatch"``) for programs;
    ``str()`` gives ``"path: message"``.
    """

    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class ProblemList:
    """Collects problems while the rules walk a report."""

    problems: list[ValidationProblem] = field(default_factory=list)

    def add(self, path: str, message: str, code: str) -> None:
        """Record one problem."""
        self.problems.append(ValidationProblem(path, message, code))

    def require(self, path: str, value: object, name: str) -> bool:
        """Record a ``required`` problem when ``value`` is None or blank; True if present."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(path, f"{name} is required", "required")
            return False
        return True

    def max_length(self, path: str, value: str | None, limit: int, name: str) -> None:
        """Record a ``too-long`` problem when ``value`` exceeds ``limit`` characters."""
        if value is not None and len(value) > limit:
            self.add(path, f"{name} is longer than {limit} characters", "too-long")

    def one_of(self, path: str, value: str | None, allowed: tuple[str, ...], name: str) -> None:
        """Record a ``bad-code`` problem when ``value`` is set but not in ``allowed``."""
        if value is not None and value not in allowed:
            choices = ", ".join(allowed)
            self.add(path, f"{name} {value!r} is not one of {choices}", "bad-code")


__all__ = ["ProblemList", "ValidationProblem"]
