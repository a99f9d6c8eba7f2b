"""AsyncWATS construction: settings, environment fallback, domains, lifecycle."""

from __future__ import annotations

from pathlib import Path

import certifi
import pytest

from pywats.client import AsyncWATS
from pywats.domains.analytics import AsyncAnalyticsDomain
from pywats.domains.asset import AsyncAssetDomain
from pywats.domains.client import AsyncClientDomain
from pywats.domains.process import AsyncProcessDomain
from pywats.domains.product import AsyncProductDomain
from pywats.domains.production import AsyncProductionDomain
from pywats.domains.report import AsyncReportDomain
from pywats.domains.rootcause import AsyncRootCauseDomain
from pywats.domains.scim import AsyncScimDomain
from pywats.domains.software import AsyncSoftwareDomain
from pywats.exceptions import ClientClosedError, ConfigurationError
from pywats_emulator.testing import EmulatorHandle

DOMAINS = {
    "report": AsyncReportDomain,
    "product": AsyncProductDomain,
    "production": AsyncProductionDomain,
    "process": AsyncProcessDomain,
    "asset": AsyncAssetDomain,
    "software": AsyncSoftwareDomain,
    "analytics": AsyncAnalyticsDomain,
    "rootcause": AsyncRootCauseDomain,
    "client": AsyncClientDomain,
    "scim": AsyncScimDomain,
}


async def test_every_domain_is_an_attribute_sharing_one_core() -> None:
    async with AsyncWATS("https://acme.wats.com/api/", "dG9r") as wats:
        for name, cls in DOMAINS.items():
            domain = getattr(wats, name)
            assert type(domain) is cls
            assert domain._http is wats.http
        assert wats.base_url == "https://acme.wats.com"


async def test_environment_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATS_BASE_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("WATS_TOKEN", "ZW52")
    async with AsyncWATS() as wats:
        assert wats.base_url == "http://127.0.0.1:9"
    async with AsyncWATS(base_url="http://127.0.0.1:8") as explicit:
        assert explicit.base_url == "http://127.0.0.1:8"


@pytest.mark.parametrize(
    ("base_url", "token", "missing", "present"),
    [
        (None, "t", "WATS_BASE_URL", "WATS_TOKEN"),
        ("http://h", None, "WATS_TOKEN", "WATS_BASE_URL"),
    ],
)
def test_missing_settings_are_named(
    monkeypatch: pytest.MonkeyPatch,
    base_url: str | None,
    token: str | None,
    missing: str,
    present: str,
) -> None:
    monkeypatch.delenv("WATS_BASE_URL", raising=False)
    monkeypatch.delenv("WATS_TOKEN", raising=False)
    with pytest.raises(ConfigurationError, match=missing) as caught:
        AsyncWATS(base_url, token)
    assert present not in str(caught.value)


def test_bad_options_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        AsyncWATS("acme.wats.com", "t")
    with pytest.raises(ConfigurationError, match="retries"):
        AsyncWATS("http://h", "t", retries=-1)
    with pytest.raises(ConfigurationError, match="rate limit"):
        AsyncWATS("http://h", "t", rate_limit=-5)
    with pytest.raises(ConfigurationError, match="CA bundle"):
        AsyncWATS("https://h", "t", verify=tmp_path / "none.pem")


async def test_verify_accepts_a_ca_bundle_path() -> None:
    async with AsyncWATS("https://acme.wats.com", "t", verify=certifi.where()) as wats:
        assert wats.base_url == "https://acme.wats.com"


async def test_closed_client_refuses_calls(emulator: EmulatorHandle) -> None:
    wats = AsyncWATS(emulator.base_url, emulator.token)
    async with wats:
        assert await wats.client.version()
    assert wats.http.closed
    with pytest.raises(ClientClosedError):
        await wats.client.version()


async def test_rate_limit_spaces_requests_without_real_waiting(emulator: EmulatorHandle) -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    async with AsyncWATS(
        emulator.base_url, emulator.token, rate_limit=2, clock=lambda: now[0], sleep=sleep
    ) as wats:
        for _ in range(5):
            await wats.client.version()
    assert sleeps == pytest.approx([0.5, 0.5, 0.5])
