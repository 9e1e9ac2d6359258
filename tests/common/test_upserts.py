"""Upserts written out once: the same SQL on every run, and no constant lost on the way."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, literal
from sqlalchemy.dialects.postgresql import insert

from app.common.upserts import written_out
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
def test_a_value_given_when_built_is_refused(constant):
    upsert = insert(Support).values(idea_id=constant, supporter_id=bindparam("supporter_id"))
    with pytest.raises(ValueError, match="parameters with values"):
        written_out(upsert)
