-- layanan-aduan storage schema, version 4 (PostgreSQL): the offices' staff directories.
-- A member is registered in one office (office, staff_id); their assignments are replaced
-- whole with them. Dates are the office's calendar days; NULL leaves that side of the closed
-- interval [starts, ends] open.

CREATE TABLE staff_members (
    office text NOT NULL,
    staff_id text NOT NULL,
    name text NOT NULL,
    phone text,
    whatsapp_user_id text,
    PRIMARY KEY (office, staff_id)
);
-- One number, one user id per office: by_contact must find one member.
CREATE UNIQUE INDEX staff_members_phone ON staff_members (office, phone)
    WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX staff_members_user_id ON staff_members (office, whatsapp_user_id)
    WHERE whatsapp_user_id IS NOT NULL;

CREATE TABLE staff_assignments (
    office text NOT NULL,
    staff_id text NOT NULL,
    seq integer NOT NULL CHECK (seq >= 1),
    role text NOT NULL
        CHECK (role IN ('officer', 'section_head', 'acting_section_head', 'office_head')),
    role_office text NOT NULL,
    starts date,
    ends date,
    PRIMARY KEY (office, staff_id, seq),
    FOREIGN KEY (office, staff_id) REFERENCES staff_members (office, staff_id) ON DELETE CASCADE
);
