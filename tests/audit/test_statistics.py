"""PostgreSQL keeps no sample of a column that can describe a family (pg_statistic).

ANALYZE copies sample values (most common values, histogram bounds) into the catalog
pg_statistic, where a destruction cannot reach them. Every column the erasure canary
test plants has statistics target 0 wherever a schema is made (``flask db upgrade``,
the tests' ``create_all``), and migration 0913 removes the samples an older
deployment already holds, as the database's owner (not a superuser), without
rewriting a table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from canary import ALLOWED, Plant, fill_empty_tables, plant_everywhere, text_columns
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, create_engine, func, text
from sqlalchemy.pool import NullPool

from facilitator import create_app
from facilitator.extensions import db
from facilitator.rights import columns

OWNER = "facilitator_stats_owner"  # a role that owns its database and is not a superuser


@pytest.fixture()
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pg_statistic is PostgreSQL's: on SQLite the app never runs ANALYZE, and "
                    "this SQLite has no STAT4 (sqlite_stat1 holds counts, not values)")
    return app


def _planted() -> set[str]:
    """Every column the canary test plants, found from the schema as it finds them."""
    return {f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in text_columns(t)
            if c.name not in ALLOWED.get(t.name, set())}


def _targets(conn) -> dict[str, int]:
    return {f"{t}.{c}": n for t, c, n in conn.execute(text(
        "SELECT c.relname, a.attname, a.attstattarget FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'public'::regnamespace "
        "AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"))}


def _database(app, name: str, owner: str | None = None) -> str:
    """A new, empty database on the test cluster; its URL (as ``owner`` when given)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        if owner and not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                      {"r": owner}).first():
            conn.execute(text(f"CREATE ROLE {owner} LOGIN NOSUPERUSER"))
        conn.execute(text(f"CREATE DATABASE {name}" + (f" OWNER {owner}" if owner else "")))
    admin.dispose()
    base = url.rsplit("/", 1)[0] + f"/{name}"
    return base.replace("://postgres@", f"://{owner}@") if owner else base


def _app_on(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "RATELIMIT_STORAGE_URI": "memory://",
                       "SQLALCHEMY_DATABASE_URI": url,
                       "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}})


def _statistic_files(superuser_url: str) -> dict[str, bytes]:
    """The database's pg_statistic data file and its TOAST table's, after a checkpoint
    (which needs a superuser, as reading the data directory does)."""
    admin = create_engine(superuser_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql("CHECKPOINT")
        datadir = Path(conn.exec_driver_sql("SHOW data_directory").scalar())
        paths = dict(conn.exec_driver_sql(
            "SELECT relname, pg_relation_filepath(oid) FROM pg_class WHERE oid IN "
            "('pg_statistic'::regclass, (SELECT reltoastrelid FROM pg_class "
            " WHERE oid = 'pg_statistic'::regclass))").all())
    admin.dispose()
    found = {}
    for relation, path in paths.items():
        for part in [datadir / path, *sorted((datadir / path).parent.glob(
                f"{Path(path).name}.[0-9]*"))]:
            if part.is_file():
                found[f"{relation} ({part.name})"] = part.read_bytes()
    return found


def test_the_tests_schema_samples_no_planted_column(postgres):
    """The tests make their schema with create_all: it is quiet too."""
    with db.engine.connect() as conn:
        targets = _targets(conn)
    planted = _planted()
    assert planted and planted <= set(targets)
    assert {name: targets[name] for name in planted if targets[name] != 0} == {}
    # What cannot describe a family keeps PostgreSQL's statistics (the planner uses them).
    assert targets["organizations.name"] == -1 and targets["adr_cases.status"] == -1


def test_flask_db_upgrade_samples_no_planted_column(postgres):
    migrated = _app_on(_database(postgres, "facilitator_stats_upgrade"))
    with migrated.app_context():
        result = migrated.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with db.engine.connect() as conn:
            targets = _targets(conn)
        db.engine.dispose()
    planted = _planted()
    assert planted <= set(targets)
    assert {name: targets[name] for name in planted if targets[name] != 0} == {}


def test_the_upgrade_clears_samples_taken_before_it_as_the_databases_owner(postgres):
    """A deployment that ANALYZEd its canaries before 0913: the upgrade, run by the
    database's owner (no superuser), leaves no canary in pg_statistic or its files."""
    url = _database(postgres, "facilitator_stats_clear", owner=OWNER)
    old = _app_on(url)
    plant = Plant()
    with old.app_context():
        runner = old.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade", "0912"]).exit_code == 0
        with db.engine.begin() as conn:
            assert not conn.execute(text("SELECT rolsuper FROM pg_roles "
                                         "WHERE rolname = current_user")).scalar()
            for name in _planted():  # as an older deployment had them: sampled
                table, column = name.split(".")
                conn.execute(text(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
                                  "SET STATISTICS -1"))
        fill_empty_tables(plant, {})
        _second_rows()  # a value seen twice is a "most common value"
        plant_everywhere(plant)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
            filenodes = _filenodes(conn)
            assert _sampled(conn, plant), "ANALYZE sampled no canary: the test tests nothing"
        superuser = url.replace(f"://{OWNER}@", "://postgres@")
        assert any(plant.found_in(data) for data in _statistic_files(superuser).values())

        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            assert _sampled(conn, plant) == []
            after = _filenodes(conn)  # no table or index was rewritten (later
            # migrations may add relations of their own)
            assert {name: after.get(name) for name in filenodes} == filenodes
            targets = _targets(conn)
            conn.exec_driver_sql("ANALYZE")
            assert _sampled(conn, plant) == []
        db.engine.dispose()
    assert {name: targets[name] for name in _planted() if targets[name] != 0} == {}
    left = {part: plant.found_in(data) for part, data in _statistic_files(superuser).items()
            if plant.found_in(data)}
    assert left == {}


def _second_rows() -> None:
    """Each table that has a row gets a copy of it where its constraints allow."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in db.metadata.sorted_tables:
            names = ", ".join(f'"{c.name}"' for c in table.columns
                              if not (c.primary_key and c.autoincrement is not False
                                      and isinstance(c.type, Integer)))
            try:
                with conn.begin():
                    conn.execute(text(f'INSERT INTO "{table.name}" ({names}) '  # noqa: S608
                                      f'SELECT {names} FROM "{table.name}"'))
            except Exception:  # noqa: S112 (a unique column: one row is enough there)
                continue


def _sampled(conn, plant: Plant) -> list[str]:
    """The relations and columns whose pg_stats row holds a canary."""
    rows = conn.execute(text(
        "SELECT tablename, attname, concat(most_common_vals::text, histogram_bounds::text) "
        "FROM pg_stats WHERE schemaname = 'public'")).all()
    return sorted(f"{t}.{c}" for t, c, values in rows if plant.found_in(values.encode()))


def _filenodes(conn) -> dict[str, int]:
    return dict(conn.execute(text(
        "SELECT relname, pg_relation_filenode(oid) FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'i', 't')")).all())


def test_a_column_a_trigger_reads_is_named_and_an_expression_index_is_quieted(postgres):
    """The mechanics on a table of their own: an index over lower(name) is sampled too
    (and cleared); a column that a trigger's WHEN reads cannot change type (named)."""
    metadata = MetaData()
    probe = Table("stats_probe", metadata, Column("id", Integer, primary_key=True),
                  Column("name", String(40)), Column("held", String(40)))
    Index("ix_stats_probe_lower", func.lower(probe.c.name))
    with db.engine.begin() as conn:
        probe.drop(conn, checkfirst=True)
        probe.create(conn)
        conn.execute(text("CREATE FUNCTION stats_probe_nothing() RETURNS trigger "
                          "LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"))
        conn.execute(text("CREATE TRIGGER stats_probe_watch BEFORE UPDATE ON stats_probe "
                          "FOR EACH ROW WHEN (OLD.held IS DISTINCT FROM NEW.held) "
                          "EXECUTE FUNCTION stats_probe_nothing()"))
        conn.execute(probe.insert(), [{"name": f"QPROBE{n % 3}", "held": f"QHELD{n % 3}"}
                                      for n in range(30)])
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE stats_probe")
            assert {"stats_probe.name", "stats_probe.held", "ix_stats_probe_lower.lower"} <= \
                set(_probe_samples(conn))
        with db.engine.begin() as conn:
            result = columns.clear_statistics(conn, metadata)
        assert result == {"cleared": ["stats_probe.name"], "held": ["stats_probe.held"]}
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            assert _probe_samples(conn) == ["stats_probe.held"]  # left for a superuser
            conn.exec_driver_sql("ANALYZE stats_probe")
            assert _probe_samples(conn) == ["stats_probe.held"]  # no new sample
            index_target = conn.execute(text(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'ix_stats_probe_lower'::regclass")).scalar()
            assert index_target == 0
            assert columns.quiet_statistics(conn, metadata) == []  # idempotent
    finally:
        with db.engine.begin() as conn:
            probe.drop(conn)
            conn.execute(text("DROP FUNCTION stats_probe_nothing()"))


def _probe_samples(conn) -> list[str]:
    return sorted(f"{t}.{c}" for t, c, v in conn.execute(text(
        "SELECT tablename, attname, most_common_vals::text FROM pg_stats "
        "WHERE tablename IN ('stats_probe', 'ix_stats_probe_lower')"))
        if v and re.search("(?i)QPROBE|QHELD", v))
