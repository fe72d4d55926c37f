"""The command line: organizations, users and demo data, with their bad input."""

from facilitator.auth.models import Organization, User
from facilitator.extensions import db


def test_org_create(runner):
    result = runner.invoke(args=["org", "create", "riverside", "--name", "Riverside USD",
                                 "--kind", "district"])
    assert result.exit_code == 0, result.output
    org = db.session.execute(db.select(Organization)).scalar_one()
    assert (org.slug, org.name, org.kind) == ("riverside", "Riverside USD", "district")


def test_org_create_bad_input(runner, make_org):
    make_org("taken")
    cases = [
        (["org", "create", "taken", "--name", "X", "--kind", "district"], "already exists"),
        (["org", "create", "Bad Slug!", "--name", "X", "--kind", "district"], "not a valid slug"),
        (["org", "create", "ok-slug", "--name", "X", "--kind", "school"], "Invalid value"),
        (["org", "create", "ok-slug", "--kind", "district"], "Missing option"),
        (["org", "create", "ok-slug", "--name", "  ", "--kind", "state"], "needs a name"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.execute(db.select(db.func.count(Organization.id))).scalar_one() == 1


def test_user_create_reads_password_from_stdin(runner, make_org):
    make_org("riverside")
    result = runner.invoke(args=["user", "create", "Pat@Riverside.example", "--org", "riverside",
                                 "--role", "facilitator"], input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.email == "pat@riverside.example"
    assert user.check_password("a long enough secret")
    assert "a long enough secret" not in result.output


def test_user_create_bad_input(runner, make_org, make_user):
    org = make_org("riverside")
    make_user(org=org, email="taken@riverside.example")
    base = ["user", "create"]
    cases = [
        (base + ["new@r.example", "--org", "nowhere", "--role", "admin"], "x" * 20,
         "No organization"),
        (base + ["new@r.example", "--org", "riverside", "--role", "boss"], "x" * 20,
         "Invalid value"),
        (base + ["new@r.example", "--org", "riverside", "--role", "admin"], "short",
         "at least 12"),
        (base + ["new@r.example", "--org", "riverside", "--role", "admin"], "aaaaaaaaaaaaaaa",
         "too easy"),
        (base + ["taken@riverside.example", "--org", "riverside", "--role", "admin"],
         "another fine passphrase", "already exists"),
        (base + ["no-at-sign", "--org", "riverside", "--role", "admin"],
         "another fine passphrase", "not an email"),
        (base + ["new@r.example", "--org", "riverside", "--role", "admin"], "",
         "No password"),
    ]
    for args, password, message in cases:
        result = runner.invoke(args=args, input=password + ("\n" if password else ""))
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1 or "Usage" in result.output
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 1


def test_demo_loads_prints_logins_and_refuses_twice(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "facilitator@riverside.example" in result.output
    assert "demo-password-2026" in result.output
    roles = set(db.session.execute(db.select(User.role)).scalars())
    assert roles == {"admin", "facilitator", "advocate", "analyst", "neutral"}
    kinds = set(db.session.execute(db.select(Organization.kind)).scalars())
    assert {"district", "advocacy"} <= kinds

    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    assert "not empty" in again.output

    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert "already loaded" in quiet.output

    forced = runner.invoke(args=["demo", "--force"])
    assert forced.exit_code == 0, forced.output
    assert db.session.execute(db.select(db.func.count(Organization.id))).scalar_one() == 3

    from helpers import sign_in

    assert sign_in(client, "facilitator@riverside.example", "demo-password-2026").status_code \
        == 302


def test_demo_if_empty_on_real_data_shows_no_logins(runner, make_user):
    make_user()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "no demo logins" in result.output
