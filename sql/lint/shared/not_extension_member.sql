-- not_extension_member: true unless the object belongs to an extension,
-- whose objects are the extension's business and are not linted.
-- catalog: the catalog holding the object, e.g. 'pg_catalog.pg_class'.
-- object: its oid, e.g. c.oid.
not exists (
  select from pg_catalog.pg_depend d
   where d.classid = {{catalog}}::pg_catalog.regclass
     and d.objid = {{object}} and d.deptype = 'e')
