-- Whether the acting user may not read what an audit event recorded: an event of a confidential
-- integrity case they are not named on (0007's integrity_case_named; the command line is named on
-- every case). It looks at the case as it is now, so making a case confidential withholds its earlier
-- events too, and making it open again shows them. The audit trail's reads null the event's before and
-- after when this holds; the stored event, and so the hash chain, is untouched. Security definer, like
-- integrity_case_named: the case row itself is hidden by row-level security from whoever is not named.
CREATE FUNCTION audit_event_redacted(entity_type text, entity_id text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF entity_type IS DISTINCT FROM 'integrity-case'
     OR entity_id !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN
    RETURN false;
  END IF;
  RETURN EXISTS (SELECT 1 FROM integrity_cases c WHERE c.id = entity_id::uuid AND c.confidential)
     AND NOT integrity_case_named(entity_id::uuid);
END
$$;
