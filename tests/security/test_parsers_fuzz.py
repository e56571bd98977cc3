"""Bad input, generated (Hypothesis), for the core parsers tests/core does not fuzz yet: the runner's input
preparation for every catalog action, the webhook Stripe-Signature header, and .env loading. Each either
answers with findings / a verdict / an EnvFileError that explains itself, or raises nothing at all; none of
them echoes a secret it was given. (Keys, money and snippets are fuzzed in tests/core.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import catalog, webhooks
from core._runner_inputs import prepare
from core.environments import ENV_VARIABLES, EnvFileError, connection_from_env, load_env_file

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WHSEC = "whsec_" + "FuzzSecret0123456789abcdefABCDEF"

text_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "1000", "10.00", "-5", "1e309", "nan", "prod_", "{", '{"a": 1}', "a=b\nc"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)


@FAST
@given(data=st.data(), action=st.sampled_from(catalog.ACTIONS))
def test_prepare_never_raises_and_every_error_says_how_to_fix_it(
    data: st.DataObject, action: catalog.Action
) -> None:
    names = [i.name for i in action.inputs] or ["anything"]
    inputs = data.draw(st.dictionaries(st.sampled_from(names), text_values, max_size=len(names)))
    prepared = prepare(action, inputs)
    for finding in prepared.findings:
        assert finding.message.strip()
        if finding.is_error:
            assert finding.fix.strip(), finding


headers = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.builds(
        lambda t, v, extra: f"t={t},v1={v}{extra}",
        st.one_of(st.integers(min_value=-5, max_value=10**12).map(str), st.text(max_size=12)),
        st.text(alphabet="0123456789abcdef", max_size=70),
        st.text(max_size=30),
    ),
)


@FAST
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300)), header=headers)
def test_any_signature_header_gets_a_verdict_never_an_exception(
    body: bytes | str, header: str | None
) -> None:
    verdict = webhooks.verify(body, header, WHSEC)
    assert not verdict.ok  # nothing random is correctly signed
    assert verdict.code in {"missing_header", "bad_header", "no_v1", "no_match", "too_old", "invalid_body"}
    assert verdict.title.strip()
    assert verdict.fix.strip()
    assert WHSEC not in " ".join([verdict.title, verdict.explanation, verdict.fix, *verdict.hints])


@FAST
@given(payload=st.text(max_size=200))
def test_a_correct_signature_verifies_whatever_the_body(payload: str) -> None:
    verdict = webhooks.verify(payload, webhooks.sign(payload, WHSEC), WHSEC)
    assert verdict.code in {"ok", "invalid_json"}  # signed right: only the JSON can still be wrong


env_lines = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(ENV_VARIABLES), st.text(max_size=40)),
    st.builds(lambda k, v: f'export {k}="{v}"', st.sampled_from(ENV_VARIABLES), st.text(max_size=40)),
    st.text(max_size=60),
)


@FAST
@given(
    lines=st.lists(env_lines, max_size=12),
    secret_body=st.text(alphabet="abcXYZ0189", min_size=20, max_size=40),
)
def test_any_env_file_loads_or_says_which_variable_is_wrong(lines: list[str], secret_body: str) -> None:
    secret = "sk_test_" + secret_body
    text = "\n".join([*lines, f"STRIPE_EDITOR_SECRET_KEY={secret}"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ".env"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_env_file(path)
        except EnvFileError as error:
            message = str(error)
            assert any(name in message for name in ENV_VARIABLES), message
            assert secret not in message


@FAST
@given(values=st.dictionaries(st.sampled_from(ENV_VARIABLES), st.one_of(st.none(), st.text(max_size=40))))
def test_connection_from_any_mapping(values: dict[str, str | None]) -> None:
    try:
        connection = connection_from_env(values)
    except EnvFileError as error:
        assert "WEBHOOK_ENABLED" in str(error)  # noqa: PT017 - only some generated mappings are invalid
        return
    assert connection is not None or not values
    if connection is not None:
        assert connection.name.strip()
