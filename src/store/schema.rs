//! The workspace schema, as an ordered list of migrations. `PRAGMA
//! user_version` records how many have been applied; a migration is never
//! edited once released, only followed by another.

pub const MIGRATIONS: &[&str] = &[
    // 1: draws, their inputs, champions, sampled-record snapshots and the
    //    month's population counts.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE TABLE draws (
        id                INTEGER PRIMARY KEY,
        month             TEXT NOT NULL,
        algorithm         TEXT NOT NULL,
        seed              TEXT NOT NULL,
        seed_source       TEXT NOT NULL,
        timezone          TEXT NOT NULL,
        per_champion      INTEGER NOT NULL,
        reserves          INTEGER NOT NULL,
        month_records     INTEGER NOT NULL,
        header            TEXT NOT NULL,   -- JSON array: the export's column names
        manifest          TEXT NOT NULL,   -- the manifest exactly as written
        manifest_sha256   TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        created_by        TEXT NOT NULL,
        superseded_at     TEXT,            -- set by a redraw; the draw stays as history
        superseded_reason TEXT
    );
    CREATE UNIQUE INDEX draws_one_current_per_month ON draws(month) WHERE superseded_at IS NULL;

    CREATE TABLE draw_inputs (
        draw_id  INTEGER NOT NULL REFERENCES draws(id),
        position INTEGER NOT NULL,
        file     TEXT NOT NULL,
        path     TEXT NOT NULL,
        sha256   TEXT NOT NULL,
        rows     INTEGER NOT NULL,
        PRIMARY KEY (draw_id, position)
    );

    CREATE TABLE draw_champions (
        draw_id           INTEGER NOT NULL REFERENCES draws(id),
        position          INTEGER NOT NULL,
        name              TEXT NOT NULL,
        officer_id        TEXT,
        area              TEXT,
        eligible          INTEGER NOT NULL,
        sample_shortfall  INTEGER NOT NULL,
        reserve_shortfall INTEGER NOT NULL,
        PRIMARY KEY (draw_id, position),
        UNIQUE (draw_id, name)
    );

    -- A snapshot of every sampled and reserve record: exports get replaced,
    -- the audit must not depend on them.
    CREATE TABLE records (
        draw_id                   INTEGER NOT NULL REFERENCES draws(id),
        record_id                 TEXT NOT NULL,
        input_position            INTEGER NOT NULL,
        line                      INTEGER NOT NULL,
        fields                    TEXT NOT NULL,  -- JSON array, aligned with draws.header
        searched_at               TEXT NOT NULL,
        self_defined_ethnicity    TEXT NOT NULL,
        officer_defined_ethnicity TEXT NOT NULL,
        legislation               TEXT NOT NULL,
        object_of_search          TEXT NOT NULL,
        officer                   TEXT NOT NULL,
        area                      TEXT NOT NULL,
        PRIMARY KEY (draw_id, record_id)
    );

    CREATE TABLE assignments (
        draw_id   INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        champion  TEXT NOT NULL,
        role      TEXT NOT NULL CHECK (role IN ('sample', 'reserve')),
        position  INTEGER NOT NULL,  -- 1-based, within the champion's role
        PRIMARY KEY (draw_id, record_id),
        UNIQUE (draw_id, champion, role, position),
        FOREIGN KEY (draw_id, record_id) REFERENCES records (draw_id, record_id),
        FOREIGN KEY (draw_id, champion) REFERENCES draw_champions (draw_id, name)
    );

    -- The month's searches by raw ethnicity value, counted when the draw was
    -- made, so reports show what share of each group's searches was reviewed
    -- without re-reading the exports.
    CREATE TABLE population (
        draw_id  INTEGER NOT NULL REFERENCES draws(id),
        scheme   TEXT NOT NULL CHECK (scheme IN ('officer', 'self')),
        value    TEXT NOT NULL,
        searches INTEGER NOT NULL,
        PRIMARY KEY (draw_id, scheme, value)
    );
    "#,
    // 2: assessments with every version kept, substitutions by reserves, and
    //    the assignments currently due for review.
    r#"
    CREATE TABLE assessments (
        id          INTEGER PRIMARY KEY,
        draw_id     INTEGER NOT NULL,
        record_id   TEXT NOT NULL,
        version     INTEGER NOT NULL,  -- 1, 2, ...: an amendment adds a version, never overwrites
        grounds     TEXT NOT NULL CHECK (grounds IN ('reasonable', 'not_reasonable', 'none_recorded', 'insufficient_info')),
        bwv         TEXT NOT NULL CHECK (bwv IN ('reviewed', 'not_available', 'not_reviewed')),
        gowisely    TEXT NOT NULL CHECK (gowisely IN ('yes', 'partial', 'no', 'not_visible')),
        conduct     TEXT NOT NULL CHECK (conduct IN ('good', 'adequate', 'concern')),
        themes      TEXT NOT NULL,     -- JSON array of tags
        referral    TEXT NOT NULL CHECK (referral IN ('none', 'feedback', 'supervisor', 'professional_standards')),
        notes       TEXT NOT NULL,
        reviewer    TEXT NOT NULL,
        reviewed_on TEXT NOT NULL,     -- YYYY-MM-DD
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        source      TEXT NOT NULL,     -- e.g. "import:PC_Ben_Hartley.csv", "record", "simulated"
        simulated   INTEGER NOT NULL DEFAULT 0,
        UNIQUE (draw_id, record_id, version),
        FOREIGN KEY (draw_id, record_id) REFERENCES assignments (draw_id, record_id)
    );

    CREATE VIEW current_assessments AS
        SELECT a.* FROM assessments a
        WHERE a.version = (SELECT max(b.version) FROM assessments b
                           WHERE b.draw_id = a.draw_id AND b.record_id = a.record_id);

    -- A sampled search that could not be reviewed, and the reserve brought in.
    CREATE TABLE substitutions (
        id              INTEGER PRIMARY KEY,
        draw_id         INTEGER NOT NULL,
        record_id       TEXT NOT NULL,
        replacement_id  TEXT NOT NULL,
        reason          TEXT NOT NULL,
        footage_missing INTEGER NOT NULL CHECK (footage_missing IN (0, 1)),
        recorded_at     TEXT NOT NULL,
        recorded_by     TEXT NOT NULL,
        UNIQUE (draw_id, record_id),
        UNIQUE (draw_id, replacement_id),
        FOREIGN KEY (draw_id, record_id) REFERENCES assignments (draw_id, record_id),
        FOREIGN KEY (draw_id, replacement_id) REFERENCES assignments (draw_id, record_id)
    );

    -- What each champion must review now: their sample and the reserves
    -- brought in, minus anything substituted away.
    CREATE VIEW active_assignments AS
        SELECT a.* FROM assignments a
        WHERE (a.role = 'sample'
               OR EXISTS (SELECT 1 FROM substitutions s
                          WHERE s.draw_id = a.draw_id AND s.replacement_id = a.record_id))
          AND NOT EXISTS (SELECT 1 FROM substitutions s
                          WHERE s.draw_id = a.draw_id AND s.record_id = a.record_id);
    "#,
    // 3: answers given in `grounds record`, each saved as it is given so an
    //    interrupted session resumes where it stopped. Kept once they become
    //    an assessment (assessment_id set), like everything else.
    r#"
    CREATE TABLE draft_answers (
        id            INTEGER PRIMARY KEY,
        draw_id       INTEGER NOT NULL,
        record_id     TEXT NOT NULL,
        field         TEXT NOT NULL CHECK (field IN ('grounds', 'bwv', 'gowisely', 'conduct', 'themes',
                                                     'referral', 'notes', 'reviewer', 'reviewed_on')),
        value         TEXT NOT NULL,
        saved_at      TEXT NOT NULL,
        saved_by      TEXT NOT NULL,
        assessment_id INTEGER REFERENCES assessments(id),
        FOREIGN KEY (draw_id, record_id) REFERENCES assignments (draw_id, record_id)
    );
    CREATE INDEX draft_answers_open ON draft_answers (draw_id, record_id) WHERE assessment_id IS NULL;
    "#,
    // 4: a substitution in a stratified draw (`hash-rank-v2`) takes the
    //    champion's next reserve of the same stratum; when none is left it
    //    takes one of the other stratum, and says so here.
    r#"
    ALTER TABLE substitutions ADD COLUMN other_stratum INTEGER NOT NULL DEFAULT 0
        CHECK (other_stratum IN (0, 1));
    "#,
    // 5: second reviews (`sample --second-review K`) and the `not_required`
    //    verdict (a search under a power that needs no suspicion). The
    //    assessments table is rebuilt because SQLite cannot change a CHECK or
    //    a UNIQUE constraint in place; `migrate` turns foreign keys off around
    //    it and checks them before committing. Existing assessments are first
    //    reviews and keep their ids, which draft_answers refer to.
    r#"
    DROP VIEW current_assessments;

    CREATE TABLE assessments_v5 (
        id          INTEGER PRIMARY KEY,
        draw_id     INTEGER NOT NULL,
        record_id   TEXT NOT NULL,
        review      TEXT NOT NULL DEFAULT 'first' CHECK (review IN ('first', 'second')),
        version     INTEGER NOT NULL,  -- 1, 2, ... within (record, review): an amendment adds a version
        grounds     TEXT NOT NULL CHECK (grounds IN ('reasonable', 'not_reasonable', 'none_recorded',
                                                     'insufficient_info', 'not_required')),
        bwv         TEXT NOT NULL CHECK (bwv IN ('reviewed', 'not_available', 'not_reviewed')),
        gowisely    TEXT NOT NULL CHECK (gowisely IN ('yes', 'partial', 'no', 'not_visible')),
        conduct     TEXT NOT NULL CHECK (conduct IN ('good', 'adequate', 'concern')),
        themes      TEXT NOT NULL,
        referral    TEXT NOT NULL CHECK (referral IN ('none', 'feedback', 'supervisor', 'professional_standards')),
        notes       TEXT NOT NULL,
        reviewer    TEXT NOT NULL,
        reviewed_on TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        source      TEXT NOT NULL,
        simulated   INTEGER NOT NULL DEFAULT 0,
        UNIQUE (draw_id, record_id, review, version),
        FOREIGN KEY (draw_id, record_id) REFERENCES assignments (draw_id, record_id)
    );
    INSERT INTO assessments_v5 (id, draw_id, record_id, review, version, grounds, bwv, gowisely, conduct,
                                themes, referral, notes, reviewer, reviewed_on, recorded_at, recorded_by,
                                source, simulated)
        SELECT id, draw_id, record_id, 'first', version, grounds, bwv, gowisely, conduct,
               themes, referral, notes, reviewer, reviewed_on, recorded_at, recorded_by,
               source, simulated
        FROM assessments;
    DROP TABLE assessments;
    ALTER TABLE assessments_v5 RENAME TO assessments;

    CREATE VIEW current_assessments AS
        SELECT a.* FROM assessments a
        WHERE a.version = (SELECT max(b.version) FROM assessments b
                           WHERE b.draw_id = a.draw_id AND b.record_id = a.record_id
                             AND b.review = a.review);

    -- A sampled search dealt a second time, blind, to another champion. The
    -- first review (in assessments with review 'first') is the one every
    -- proportion estimates; the second only measures agreement.
    CREATE TABLE second_reviews (
        draw_id   INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        champion  TEXT NOT NULL,
        position  INTEGER NOT NULL,  -- 1-based, within the champion's second reviews
        PRIMARY KEY (draw_id, record_id),
        UNIQUE (draw_id, champion, position),
        FOREIGN KEY (draw_id, record_id) REFERENCES assignments (draw_id, record_id),
        FOREIGN KEY (draw_id, champion) REFERENCES draw_champions (draw_id, name)
    );

    ALTER TABLE draft_answers ADD COLUMN review TEXT NOT NULL DEFAULT 'first'
        CHECK (review IN ('first', 'second'));
    DROP INDEX draft_answers_open;
    CREATE INDEX draft_answers_open ON draft_answers (draw_id, record_id, review)
        WHERE assessment_id IS NULL;
    "#,
];
