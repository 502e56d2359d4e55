"""Versioned schema migrations. Append a new (version, description, sql) entry; never edit one.

Data tables carry no PRIMARY KEY: the importer guarantees unique keys before writing, and DuckDB's
key indexes would slow down the delete-then-insert refresh of large files.
"""

from __future__ import annotations

import duckdb

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "initial schema: audit, settings and the six kinds of data",
        """
        CREATE SEQUENCE import_batch_seq START 1;
        CREATE TABLE import_batches (
            batch_id BIGINT PRIMARY KEY,
            kind VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            checksum VARCHAR,
            rows_read BIGINT,
            rows_written BIGINT,
            rows_rejected BIGINT,
            status VARCHAR NOT NULL,      -- ok | refused | failed | reset
            message VARCHAR,
            report_json VARCHAR,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP
        );
        CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE workshops (
            workshop VARCHAR NOT NULL, headcount DOUBLE, hours_per_week DOUBLE,
            efficiency DOUBLE, regular_cost_per_hour DOUBLE,
            overtime_max_hours_per_person_week DOUBLE, overtime_premium DOUBLE,
            temp_max_headcount DOUBLE, temp_cost_per_hour DOUBLE, temp_lead_time_days DOUBLE,
            temp_productivity DOUBLE, subcontract_cost_per_hour DOUBLE,
            subcontract_lead_time_days DOUBLE, subcontract_max_hours_per_week DOUBLE,
            batch_id BIGINT
        );
        CREATE TABLE products (
            sku VARCHAR NOT NULL, name VARCHAR, family VARCHAR, unit_cost DOUBLE,
            unit_price DOUBLE, lead_time_days DOUBLE, safety_stock DOUBLE, workshop VARCHAR,
            hours_per_unit DOUBLE, moq DOUBLE, batch_id BIGINT
        );
        CREATE TABLE sales (
            date DATE NOT NULL, sku VARCHAR NOT NULL, quantity DOUBLE, customer VARCHAR,
            batch_id BIGINT
        );
        CREATE TABLE orders (
            order_id VARCHAR NOT NULL, line VARCHAR, customer VARCHAR, sku VARCHAR NOT NULL,
            quantity DOUBLE, order_date DATE, promised_date DATE, delivered_date DATE,
            delivered_quantity DOUBLE, batch_id BIGINT
        );
        CREATE TABLE stock (
            date DATE NOT NULL, sku VARCHAR NOT NULL, on_hand DOUBLE, unit_cost DOUBLE,
            batch_id BIGINT
        );
        CREATE TABLE production_orders (
            mo_id VARCHAR NOT NULL, sku VARCHAR NOT NULL, workshop VARCHAR, quantity DOUBLE,
            planned_start DATE, planned_end DATE, actual_start DATE, actual_end DATE,
            hours_required DOUBLE, hours_done DOUBLE, progress_pct DOUBLE, order_id VARCHAR,
            priority DOUBLE, batch_id BIGINT
        );
        """,
    ),
    (
        2,
        "forecasting: runs, values, model choices, backtests, forced models, adjustments, snapshots",
        """
        CREATE SEQUENCE forecast_run_seq START 1;
        CREATE SEQUENCE adjustment_seq START 1;
        CREATE TABLE forecast_runs (
            run_id BIGINT PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            data_version BIGINT NOT NULL,
            as_of DATE NOT NULL,              -- history used: periods that ended before this date
            granularity VARCHAR NOT NULL,     -- month | week
            horizon INTEGER NOT NULL,
            model VARCHAR NOT NULL,           -- auto, or the model forced for every SKU
            settings_json VARCHAR,
            series INTEGER,
            seconds DOUBLE,
            status VARCHAR NOT NULL           -- ok | failed
        );
        CREATE TABLE forecast_values (
            run_id BIGINT NOT NULL, sku VARCHAR NOT NULL, period DATE NOT NULL, forecast DOUBLE,
            lower_80 DOUBLE, upper_80 DOUBLE, lower_95 DOUBLE, upper_95 DOUBLE
        );
        CREATE TABLE forecast_choices (
            run_id BIGINT NOT NULL, sku VARCHAR NOT NULL, model VARCHAR NOT NULL, profile VARCHAR,
            reason VARCHAR, history_periods INTEGER
        );
        CREATE TABLE forecast_backtests (
            run_id BIGINT NOT NULL, sku VARCHAR NOT NULL, model VARCHAR NOT NULL, score DOUBLE
        );
        CREATE TABLE forced_models (
            level VARCHAR NOT NULL,           -- sku | family
            key VARCHAR NOT NULL,
            model VARCHAR NOT NULL,
            author VARCHAR,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE forecast_adjustments (
            adjustment_id BIGINT PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            author VARCHAR NOT NULL,
            comment VARCHAR,
            level VARCHAR NOT NULL,           -- sku | family
            key VARCHAR NOT NULL,
            granularity VARCHAR NOT NULL,
            period DATE NOT NULL,
            delta DOUBLE NOT NULL             -- units added to (or removed from) the statistical forecast
        );
        CREATE TABLE forecast_snapshots (
            cycle VARCHAR NOT NULL,           -- YYYY-MM: the S&OP cycle that froze it
            frozen_at TIMESTAMP NOT NULL,
            run_id BIGINT,
            granularity VARCHAR NOT NULL,
            sku VARCHAR NOT NULL,
            period DATE NOT NULL,
            lag INTEGER NOT NULL,             -- periods between the cycle and the forecast period
            model VARCHAR,
            statistical DOUBLE,
            final DOUBLE
        );
        """,
    ),
    (
        3,
        "orders: line status (cancelled lines leave the service rate)",
        """
        ALTER TABLE orders ADD COLUMN status VARCHAR;
        """,
    ),
    (
        4,
        "workshops: delay tolerance in working days (orange up to it, red beyond)",
        """
        ALTER TABLE workshops ADD COLUMN tolerance_days DOUBLE;
        """,
    ),
    (
        5,
        "what-if scenarios saved with their author, and the one decided at an S&OP cycle",
        """
        CREATE SEQUENCE scenario_seq START 1;
        CREATE TABLE scenarios (
            scenario_id BIGINT PRIMARY KEY,
            name VARCHAR NOT NULL UNIQUE,
            scenario_json VARCHAR NOT NULL,   -- simulation.scenario_to_json
            author VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            decision_cycle VARCHAR            -- YYYY-MM when it is the decision of that cycle
        );
        """,
    ),
    (
        6,
        "decisions log (relevé de décisions): taken at a cycle, owned, due, closed with an outcome",
        """
        CREATE SEQUENCE decision_seq START 1;
        CREATE TABLE decisions (
            decision_id BIGINT PRIMARY KEY,
            cycle VARCHAR NOT NULL,           -- YYYY-MM: the S&OP cycle it was taken at
            what VARCHAR NOT NULL,
            owner VARCHAR NOT NULL,
            due DATE,
            link_kind VARCHAR,                -- NULL | scenario | kpi
            link VARCHAR,                     -- scenario name or KPI code
            created_at TIMESTAMP NOT NULL,
            closed_cycle VARCHAR,             -- YYYY-MM: the cycle that closed it
            closed_at TIMESTAMP,
            outcome VARCHAR,
            status VARCHAR NOT NULL DEFAULT 'open'  -- open | done | dropped
        );
        """,
    ),
    (
        7,
        "KPI figures of each cycle as its meeting saw them (the next cycle shows the change)",
        """
        CREATE TABLE cycle_kpis (
            cycle VARCHAR NOT NULL,           -- YYYY-MM
            code VARCHAR NOT NULL,            -- executive.KPI_CODES
            value DOUBLE,
            status VARCHAR,                   -- green | orange | red | NULL (no target reachable)
            recorded_at TIMESTAMP NOT NULL,
            PRIMARY KEY (cycle, code)
        );
        """,
    ),
    (
        8,
        "S&OP cycles opened and closed, with their as-of date, and the steps done in each, by whom",
        """
        CREATE TABLE cycles (
            cycle VARCHAR PRIMARY KEY,        -- YYYY-MM
            as_of DATE NOT NULL,              -- the day the cycle's figures are as of
            status VARCHAR NOT NULL,          -- open | closed
            opened_at TIMESTAMP NOT NULL,
            opened_by VARCHAR NOT NULL,
            closed_at TIMESTAMP,
            closed_by VARCHAR
        );
        CREATE TABLE cycle_steps (
            cycle VARCHAR NOT NULL,           -- YYYY-MM
            step VARCHAR NOT NULL,            -- see sop_core.data.cycles.CYCLE_STEPS
            done_at TIMESTAMP NOT NULL,
            done_by VARCHAR NOT NULL,
            PRIMARY KEY (cycle, step)
        );
        CREATE TABLE cycle_archive (
            cycle VARCHAR PRIMARY KEY,        -- YYYY-MM, a closed cycle
            archived_at TIMESTAMP NOT NULL,
            tiles_json VARCHAR NOT NULL,      -- the tiles as the meeting saw them (language-neutral)
            agenda_json VARCHAR NOT NULL,     -- the agenda items (codes and figures)
            decisions_json VARCHAR NOT NULL   -- the decisions of the cycle when it closed
        );
        """,
    ),
    (
        9,
        "the meeting packs as issued, kept with their cycle so a closed cycle reprints nothing",
        """
        CREATE TABLE issued_packs (
            cycle VARCHAR NOT NULL,           -- YYYY-MM
            lang VARCHAR NOT NULL,            -- fr | en
            format VARCHAR NOT NULL,          -- pdf | xlsx
            issued_at TIMESTAMP NOT NULL,
            content BLOB NOT NULL,            -- the file as it was handed out
            PRIMARY KEY (cycle, lang, format)
        );
        """,
    ),
    (
        10,
        "local accounts with their role, and the failed logins that lock an account for a while",
        """
        CREATE TABLE users (
            login VARCHAR PRIMARY KEY,
            display_name VARCHAR,
            email VARCHAR UNIQUE,             -- lower case; NULL for none (several NULLs allowed)
            role VARCHAR NOT NULL,            -- viewer | planner | admin (sop_core.data.users.ROLES)
            password_hash VARCHAR,            -- Argon2id (argon2-cffi); NULL: an identity-provider-only account
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR
        );
        CREATE TABLE login_failures (
            login VARCHAR NOT NULL,           -- as typed: unknown logins are counted too
            failed_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        11,
        "who imported each file (the signed-in user, or the account running the command)",
        """
        ALTER TABLE import_batches ADD COLUMN imported_by VARCHAR;
        """,
    ),
    (
        12,
        "who recorded and who closed each decision (the signed-in user, or the account running the command)",
        """
        ALTER TABLE decisions ADD COLUMN recorded_by VARCHAR;
        ALTER TABLE decisions ADD COLUMN closed_by VARCHAR;
        """,
    ),
    (
        13,
        "import attempts under way, with their process, so that one killed outright shows as interrupted",
        """
        CREATE SEQUENCE import_attempt_seq START 1;
        CREATE TABLE import_attempts (
            attempt_id BIGINT PRIMARY KEY,
            kind VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            checksum VARCHAR,
            started_at TIMESTAMP NOT NULL,
            imported_by VARCHAR,
            pid INTEGER NOT NULL,             -- the importing process, judged only on its own host
            host VARCHAR NOT NULL             -- socket.gethostname() of that process
        );
        """,
    ),
    (
        14,
        "budget: quantity and/or revenue per family or SKU and month (the gap to budget of the PIC)",
        """
        CREATE TABLE budget (
            family VARCHAR,                   -- a family's budget (empty when the row is a SKU's)
            sku VARCHAR,                      -- a SKU's budget (empty when the row is a family's)
            month DATE NOT NULL,              -- first day of the month
            quantity DOUBLE,                  -- units; NULL when the budget gives revenue only
            revenue DOUBLE,                   -- euros; NULL when the budget gives units only
            batch_id BIGINT
        );
        """,
    ),
    (
        15,
        "consensus with a memory: each change as one log entry (who, why, contributor, before/after, undo)",
        """
        CREATE SEQUENCE consensus_entry_seq START 1;
        CREATE TABLE consensus_entries (
            entry_id BIGINT PRIMARY KEY,
            cycle VARCHAR,                    -- YYYY-MM: the S&OP cycle it was entered in
            created_at TIMESTAMP NOT NULL,
            author VARCHAR NOT NULL,
            contributor VARCHAR NOT NULL,     -- sales | management (forecast value added per contributor)
            reason VARCHAR NOT NULL,
            level VARCHAR NOT NULL,           -- sku | family
            key VARCHAR NOT NULL,
            granularity VARCHAR NOT NULL,
            first_period DATE NOT NULL,
            last_period DATE NOT NULL,
            change_kind VARCHAR NOT NULL,     -- percent | quantity | target
            amount DOUBLE NOT NULL,           -- the percent, the units per period, or the target
            units_before DOUBLE,              -- final forecast over the range before the change
            units_after DOUBLE,               -- and after it
            undone_at TIMESTAMP,
            undone_by VARCHAR
        );
        ALTER TABLE forecast_adjustments ADD COLUMN entry_id BIGINT;
        ALTER TABLE forecast_snapshots ADD COLUMN sales DOUBLE;  -- statistical + sales' changes
        """,
    ),
)


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the migrations this file has not seen yet, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    applied = {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    for version, description, sql in MIGRATIONS:
        if version in applied:
            continue
        con.begin()
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, description]
            )
            con.commit()
        except duckdb.Error:
            con.rollback()
            raise

