-- layanan-aduan storage schema, version 4 (SQLite): the offices' staff directories.
-- A member is registered in one office (office, staff_id); their assignments are replaced
-- whole with them. Dates are text 'YYYY-MM-DD' (the office's calendar days; text order is
-- date order); NULL leaves that side of the closed interval [starts, ends] open.

CREATE TABLE staff_members (
    office TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    whatsapp_user_id TEXT,
    PRIMARY KEY (office, staff_id)
) WITHOUT ROWID;
-- One number, one user id per office: by_contact must find one member.
CREATE UNIQUE INDEX staff_members_phone ON staff_members (office, phone)
    WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX staff_members_user_id ON staff_members (office, whatsapp_user_id)
    WHERE whatsapp_user_id IS NOT NULL;

CREATE TABLE staff_assignments (
    office TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    role TEXT NOT NULL
        CHECK (role IN ('officer', 'section_head', 'acting_section_head', 'office_head')),
    role_office TEXT NOT NULL,
    starts TEXT,
    ends TEXT,
    PRIMARY KEY (office, staff_id, seq),
    FOREIGN KEY (office, staff_id) REFERENCES staff_members (office, staff_id) ON DELETE CASCADE
) WITHOUT ROWID;
