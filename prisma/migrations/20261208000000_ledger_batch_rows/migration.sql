-- The ledger's statements take their rows as one JSON array (ADR 063). PostgreSQL
-- guesses 100 rows for json_to_recordset and plans hash joins over whole-table
-- scans of users, api_keys and credit_holds, which updates bloat between vacuums.
-- Said to be one row, the planner looks each row up by its key instead. PL/pgSQL,
-- so that the planner cannot inline the function and lose its estimate.
CREATE FUNCTION batch_rows(batch json) RETURNS SETOF json
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 1
AS $$
BEGIN
  RETURN QUERY SELECT json_array_elements(batch);
END
$$;
