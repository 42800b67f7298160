// Papers that name an entity (or one of its versions), with the role it plays.
// Parameters: $name (a name or alias, compared without case).
MATCH (target:Entity)
WHERE toLower(target.name) = toLower($name) OR any(a IN target.aliases WHERE toLower(a) = toLower($name))
MATCH (member:Entity)-[:BROADER*0..]->(target)
MATCH (p:Paper)-[r]->(member)
WHERE type(r) IN ['PROPOSES', 'USES', 'COMPARES_WITH', 'EVALUATED_ON', 'RUNS_ON', 'MEASURES', 'ADDRESSES', 'MENTIONS']
RETURN DISTINCT p.id AS paper, p.title AS title, type(r) AS role, member.id AS entity
ORDER BY title, role, entity;
