import asyncpg
import pytest

from nara.shared.migrations import MigrationError, apply_migrations, schema_versions


def write(folder, name, sql):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(sql)


async def test_migrations_apply_in_order_once_and_record_the_version(fresh_schema, tmp_path):
    shared, service = tmp_path / "shared", tmp_path / "booking"
    write(shared, "0001_outbox.sql", "CREATE TABLE outbox (id int PRIMARY KEY)")
    write(service, "0001_units.sql", "CREATE TABLE units (hsa_id text PRIMARY KEY)")
    write(service, "0002_unit_names.sql", "ALTER TABLE units ADD COLUMN name text NOT NULL DEFAULT ''")

    first = await apply_migrations(fresh_schema, {"shared": shared, "booking": service})
    second = await apply_migrations(fresh_schema, {"shared": shared, "booking": service})

    assert first == ["shared/0001_outbox.sql", "booking/0001_units.sql", "booking/0002_unit_names.sql"]
    assert second == []
    assert await schema_versions(fresh_schema) == {"shared": 1, "booking": 2}
    await fresh_schema.execute(
        "INSERT INTO units (hsa_id, name) VALUES ('SE2321000131-E000000000001', 'Vårdcentralen')"
    )


async def test_a_failing_migration_leaves_nothing_half_applied(fresh_schema, tmp_path):
    write(tmp_path / "svc", "0001_ok.sql", "CREATE TABLE kept (id int)")
    write(tmp_path / "svc", "0002_broken.sql", "CREATE TABLE half (id int); SELECT no_such_function();")

    with pytest.raises(asyncpg.UndefinedFunctionError):
        await apply_migrations(fresh_schema, {"svc": tmp_path / "svc"})

    assert await schema_versions(fresh_schema) == {"svc": 1}
    assert await fresh_schema.fetchval("SELECT to_regclass('half')") is None


async def test_editing_an_applied_migration_is_refused(fresh_schema, tmp_path):
    write(tmp_path / "svc", "0001_units.sql", "CREATE TABLE units (id int)")
    await apply_migrations(fresh_schema, {"svc": tmp_path / "svc"})
    write(tmp_path / "svc", "0001_units.sql", "CREATE TABLE units (id bigint)")

    with pytest.raises(MigrationError, match="changed after it was applied"):
        await apply_migrations(fresh_schema, {"svc": tmp_path / "svc"})


async def test_badly_named_files_are_refused_with_the_expected_form(fresh_schema, tmp_path):
    write(tmp_path / "svc", "units.sql", "CREATE TABLE units (id int)")

    with pytest.raises(MigrationError, match=r"NNNN_words\.sql"):
        await apply_migrations(fresh_schema, {"svc": tmp_path / "svc"})
