"""SQL written out once: parameters by name, constants written in, none lost on the way."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, literal
from sqlalchemy.dialects.postgresql import insert

from app.common.compiled_once import written_out
from app.models import Support


def test_an_upsert_is_written_with_named_parameters_and_no_casts():
    upsert = written_out(
        insert(Support)
        .values(idea_id=bindparam("idea_id"), supporter_id=bindparam("supporter_id"))
        .on_conflict_do_nothing(index_elements=["idea_id", "supporter_id"])
        .returning(Support.idea_id)
    )
    assert str(upsert) == (
        "INSERT INTO supports (idea_id, supporter_id) VALUES (:idea_id, :supporter_id)"
        " ON CONFLICT (idea_id, supporter_id) DO NOTHING RETURNING supports.idea_id"
    )


@pytest.mark.parametrize("constant", [7, literal(7)])
def test_a_value_given_when_built_is_written_in(constant):
    upsert = insert(Support).values(idea_id=constant, supporter_id=bindparam("supporter_id"))
    assert str(written_out(upsert)) == (
        "INSERT INTO supports (idea_id, supporter_id) VALUES (7, :supporter_id)"
    )


def test_a_parameter_the_text_would_not_read_is_refused():
    upsert = insert(Support).values(idea_id=bindparam("idea-id"), supporter_id="x")
    with pytest.raises(ValueError, match=r"parameters not found as such in the SQL: \['idea-id'\]"):
        written_out(upsert)
