"""Authoring UUR (repair) reports: :class:`UURBuilder`.

A repair report names the repair operation in its own ``processCode`` (e.g. 500) and the
test operation that found the fault in ``uur.processCode``. The repaired unit is the
sub-unit with ``idx`` 0 (``partType`` ``"Main"``); failures are recorded on a unit.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from pywats.report._build_steps import Fields, builder_error, timestamp
from pywats.report._timestamp import utc_text
from pywats.report.models import UURReport, UUTReport
from pywats.report.validation import ensure_valid
from pywats.report.wsjf import report_from_dict


class UURBuilder:
    """Builds a :class:`UURReport` for a failed unit."""

    def __init__(
        self,
        *,
        pn: str,
        sn: str,
        rev: str,
        process_code: int,
        test_process_code: int,
        ref_uut: str,
        station: str,
        location: str,
        start: datetime,
        purpose: str = "Repair",
        operator: str | None = None,
        report_id: str | None = None,
        confirm_date: datetime | None = None,
        finalize_date: datetime | None = None,
        exec_time: float = 0.0,
        comment: str | None = None,
        result: str = "P",
    ) -> None:
        start_text = timestamp(start, "start").text
        self._header: Fields = {
            "type": "R",
            "id": report_id or str(uuid.uuid4()),
            "pn": pn,
            "sn": sn,
            "rev": rev,
            "processCode": process_code,
            "result": result,
            "machineName": station,
            "location": location,
            "purpose": purpose,
            "start": start_text,
            "startUTC": utc_text(start),
        }
        self._uur: Fields = {
            "user": operator,
            "comment": comment,
            "processCode": test_process_code,
            "refUUT": ref_uut,
            "confirmDate": timestamp(confirm_date or start, "uur.confirmDate").text,
            "finalizeDate": timestamp(finalize_date or start, "uur.finalizeDate").text,
            "execTime": exec_time,
        }
        main: Fields = {"partType": "Main", "pn": pn, "sn": sn, "rev": rev, "idx": 0}
        self._units: list[Fields] = [main]
        self._misc: list[Fields] = []
        self._binary: list[Fields] = []

    @classmethod
    def for_uut(
        cls,
        uut: UUTReport,
        *,
        process_code: int,
        station: str,
        location: str,
        start: datetime,
        operator: str | None = None,
        purpose: str = "Repair",
        comment: str | None = None,
        report_id: str | None = None,
    ) -> UURBuilder:
        """A repair of the unit tested in ``uut`` (copies pn/sn/rev, test operation, id)."""
        ref_uut, pn, sn, rev, test_code = uut.id, uut.pn, uut.sn, uut.rev, uut.process_code
        if ref_uut is None or pn is None or sn is None or rev is None or test_code is None:
            raise builder_error("uut", "the test report needs id, pn, sn, rev and processCode")
        return cls(
            pn=pn,
            sn=sn,
            rev=rev,
            process_code=process_code,
            test_process_code=test_code,
            ref_uut=ref_uut,
            station=station,
            location=location,
            start=start,
            operator=operator,
            purpose=purpose,
            comment=comment,
            report_id=report_id,
        )

    def sub_unit(
        self,
        part_type: str,
        pn: str,
        sn: str,
        rev: str | None = None,
        *,
        parent_idx: int = 0,
        replaced_idx: int | None = None,
        position: int | None = None,
    ) -> int:
        """Add a unit below ``parent_idx``; returns its ``idx`` for failures/replacements."""
        self._unit(parent_idx, "parent_idx")
        idx = len(self._units)
        unit: Fields = {
            "partType": part_type,
            "pn": pn,
            "sn": sn,
            "rev": rev,
            "idx": idx,
            "parentIdx": parent_idx,
        }
        for key, value in (("replacedIdx", replaced_idx), ("position", position)):
            if value is not None:
                unit[key] = value
        self._units.append(unit)
        return idx

    def failure(
        self,
        category: str,
        code: str,
        *,
        unit_idx: int = 0,
        com_ref: str | None = None,
        comment: str | None = None,
        func_block: str | None = None,
        ref_step_id: int | None = None,
        art_number: str | None = None,
        art_rev: str | None = None,
        art_vendor: str | None = None,
        art_description: str | None = None,
    ) -> UURBuilder:
        """Record a failure (fail-code ``category``/``code``) on unit ``unit_idx``."""
        unit = self._unit(unit_idx, "unit_idx")
        failure: Fields = {"category": category, "code": code}
        optional = {
            "comRef": com_ref,
            "comment": comment,
            "funcBlock": func_block,
            "refStepId": ref_step_id,
            "artNumber": art_number,
            "artRev": art_rev,
            "artVendor": art_vendor,
            "artDescription": art_description,
        }
        failure.update({key: value for key, value in optional.items() if value is not None})
        unit.setdefault("failures", []).append(failure)
        return self

    def misc_info(
        self, description: str, text: str | None = None, *, numeric: int | None = None
    ) -> UURBuilder:
        """Add a repair misc-info item (descriptions come from the repair type)."""
        if text is None and numeric is None:
            raise builder_error(f"miscInfos[{len(self._misc)}]", "give text or numeric")
        self._misc.append({"description": description, "text": text, "numeric": numeric})
        return self

    def attachment(
        self, name: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> UURBuilder:
        """Attach a file to the repair report (``binaryData``)."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise builder_error("binaryData", f"data must be bytes, got {type(data).__name__}")
        encoded = base64.b64encode(bytes(data)).decode("ascii")
        self._binary.append({"name": name, "contentType": content_type, "data": encoded})
        return self

    def build(self) -> UURReport:
        """Validate and return the repair report."""
        tree: Fields = {**self._header, "uur": self._uur, "subUnits": self._units}
        if self._misc:
            tree["miscInfos"] = self._misc
        if self._binary:
            tree["binaryData"] = self._binary
        report = report_from_dict(tree)
        assert isinstance(report, UURReport)  # the tree says type "R"
        ensure_valid(report)
        return report

    def _unit(self, idx: int, argument: str) -> Fields:
        if not 0 <= idx < len(self._units):
            raise builder_error("subUnits", f"{argument} {idx} names no unit")
        return self._units[idx]


__all__ = ["UURBuilder"]
