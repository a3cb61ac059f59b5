import type { Queryable } from '../db/shared.ts';
import type { PackMigration } from './load.ts';

// What `migrate down` would drop: the schemas the reverting migrations
// create or drop, and the relations, functions and types their down
// scripts drop by name. Objects elsewhere that depend on any of it would
// be dropped by a cascade, or make a down script fail halfway.

/** The objects a set of down scripts drops. */
export interface DropTargets {
  schemas: string[];
  relations: string[];
  functions: string[];
  types: string[];
}

const DROP =
  /\bdrop\s+(schema|table|view|materialized\s+view|sequence|function|procedure|type|domain)\s+(?:if\s+exists\s+)?([^;]+?)(?:\s+(?:cascade|restrict))?\s*;/gi;

const KIND: Record<string, keyof DropTargets> = {
  schema: 'schemas',
  table: 'relations',
  view: 'relations',
  'materialized view': 'relations',
  sequence: 'relations',
  function: 'functions',
  procedure: 'functions',
  type: 'types',
  domain: 'types',
};

/** Reads the drops of the reverting migrations. */
export function dropTargets(reverting: readonly PackMigration[]): DropTargets {
  const targets: DropTargets = {
    schemas: reverting.flatMap((m) => m.spec.creates),
    relations: [],
    functions: [],
    types: [],
  };
  for (const m of reverting) {
    for (const [, kind, name] of m.spec.down.matchAll(DROP)) {
      const key = KIND[kind!.toLowerCase().replace(/\s+/g, ' ')]!;
      targets[key].push(name!.replace(/\s+/g, ' ').trim());
    }
  }
  return targets;
}

const DEPENDENTS = `
with recursive roots(classid, objid) as (
  select 'pg_catalog.pg_namespace'::regclass::oid, n.oid
    from pg_catalog.pg_namespace n
   where n.nspname = any($1::text[])
  union all
  select 'pg_catalog.pg_class'::regclass::oid, pg_catalog.to_regclass(r)::oid
    from unnest($2::text[]) r
  union all
  select 'pg_catalog.pg_proc'::regclass::oid,
         pg_catalog.to_regprocedure(r)::oid
    from unnest($3::text[]) r
  union all
  select 'pg_catalog.pg_type'::regclass::oid, pg_catalog.to_regtype(r)::oid
    from unnest($4::text[]) r
),
dropped(classid, objid, objsubid, normal) as (
  select classid, objid, 0, false from roots where objid is not null
  union
  select d.classid, d.objid, d.objsubid, r.normal or d.deptype = 'n'
    from dropped r
    join pg_catalog.pg_depend d
      on d.refclassid = r.classid and d.refobjid = r.objid
     and (r.objsubid = 0 or d.refobjsubid = r.objsubid)
   where d.deptype in ('n', 'a', 'i', 'e')
),
found as (
  select f.classid, f.objid, f.objsubid
    from dropped f
   where not exists (select 1 from roots r
                      where r.classid = f.classid and r.objid = f.objid)
   group by 1, 2, 3
  having bool_and(f.normal)
),
placed as (
  select f.*, coalesce(
    (select n.nspname from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.oid = case f.classid
        when 'pg_catalog.pg_policy'::regclass then
          (select polrelid from pg_catalog.pg_policy where oid = f.objid)
        when 'pg_catalog.pg_attrdef'::regclass then
          (select adrelid from pg_catalog.pg_attrdef where oid = f.objid)
        when 'pg_catalog.pg_constraint'::regclass then
          (select nullif(conrelid, 0) from pg_catalog.pg_constraint
            where oid = f.objid)
        when 'pg_catalog.pg_trigger'::regclass then
          (select tgrelid from pg_catalog.pg_trigger where oid = f.objid)
        when 'pg_catalog.pg_rewrite'::regclass then
          (select ev_class from pg_catalog.pg_rewrite where oid = f.objid)
        when 'pg_catalog.pg_class'::regclass then f.objid end),
    (pg_catalog.pg_identify_object(f.classid, f.objid, f.objsubid)).schema
  ) as schema
    from found f
),
rels as (
  select c.oid,
         case c.relkind when 'r' then 'table' when 'p' then 'table'
           when 'v' then 'view' when 'm' then 'materialized view'
           when 'S' then 'sequence' when 'f' then 'foreign table'
           when 'i' then 'index' when 'I' then 'index'
           else 'relation' end
         || ' ' || pg_catalog.quote_ident(n.nspname) || '.'
         || pg_catalog.quote_ident(c.relname) as label
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
)
select distinct case f.classid
  when 'pg_catalog.pg_policy'::regclass then (
    select 'policy ' || pg_catalog.quote_ident(p.polname) || ' on ' || r.label
      from pg_catalog.pg_policy p join rels r on r.oid = p.polrelid
     where p.oid = f.objid)
  when 'pg_catalog.pg_attrdef'::regclass then (
    select 'default value of column ' || pg_catalog.quote_ident(a.attname)
           || ' of ' || r.label
      from pg_catalog.pg_attrdef d
      join pg_catalog.pg_attribute a
        on a.attrelid = d.adrelid and a.attnum = d.adnum
      join rels r on r.oid = d.adrelid
     where d.oid = f.objid)
  when 'pg_catalog.pg_constraint'::regclass then (
    select 'constraint ' || pg_catalog.quote_ident(c.conname) || ' on '
           || coalesce(r.label,
                'domain ' || pg_catalog.format_type(c.contypid, null))
      from pg_catalog.pg_constraint c left join rels r on r.oid = c.conrelid
     where c.oid = f.objid)
  when 'pg_catalog.pg_trigger'::regclass then (
    select 'trigger ' || pg_catalog.quote_ident(t.tgname) || ' on ' || r.label
      from pg_catalog.pg_trigger t join rels r on r.oid = t.tgrelid
     where t.oid = f.objid)
  when 'pg_catalog.pg_rewrite'::regclass then (
    select case w.rulename when '_RETURN' then r.label
             else 'rule ' || pg_catalog.quote_ident(w.rulename)
                  || ' on ' || r.label end
      from pg_catalog.pg_rewrite w join rels r on r.oid = w.ev_class
     where w.oid = f.objid)
  when 'pg_catalog.pg_class'::regclass then (
    select case f.objsubid when 0 then r.label
             else 'column ' || pg_catalog.quote_ident(a.attname)
                  || ' of ' || r.label end
      from rels r
      left join pg_catalog.pg_attribute a
        on a.attrelid = r.oid and a.attnum = f.objsubid
     where r.oid = f.objid)
  when 'pg_catalog.pg_proc'::regclass then (
    select case p.prokind when 'p' then 'procedure ' when 'a'
             then 'aggregate ' else 'function ' end
           || pg_catalog.quote_ident(n.nspname) || '.'
           || pg_catalog.quote_ident(p.proname) || '('
           || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where p.oid = f.objid)
  else pg_catalog.pg_describe_object(f.classid, f.objid, f.objsubid)
  end as label
  from placed f
 where f.schema is distinct from 'pg_toast'
   and (f.schema is null or f.schema <> all($1::text[]))
   and not coalesce((select t.tgisinternal from pg_catalog.pg_trigger t
                      where f.classid = 'pg_catalog.pg_trigger'::regclass
                        and t.oid = f.objid), false)
 order by 1`;

/**
 * The objects outside what a down run drops that depend on it, described
 * for people (`policy "own rows" on table public.notes`), sorted.
 */
export async function dependentsOf(
  db: Queryable,
  targets: DropTargets,
): Promise<string[]> {
  const { rows } = await db.query<{ label: string }>(DEPENDENTS, [
    targets.schemas,
    targets.relations,
    targets.functions,
    targets.types,
  ]);
  return rows.map((r) => r.label);
}
