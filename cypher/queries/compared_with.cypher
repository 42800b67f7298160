// What an entity was compared with: in papers that propose or use it, what they compare against
// ("baseline"); in papers that compare against it, what they propose ("challenger").
// Parameters: $name.
MATCH (target:Entity)
WHERE toLower(target.name) = toLower($name) OR any(a IN target.aliases WHERE toLower(a) = toLower($name))
CALL (target) {
  MATCH (p:Paper)-[:PROPOSES|USES]->(target), (p)-[:COMPARES_WITH]->(other)
  RETURN p, other, 'baseline' AS direction
  UNION
  MATCH (p:Paper)-[:COMPARES_WITH]->(target), (p)-[:PROPOSES]->(other)
  RETURN p, other, 'challenger' AS direction
}
WITH DISTINCT p, other, direction, target
WHERE other <> target
RETURN other.id AS other, other.name AS otherName, direction, p.title AS title
ORDER BY otherName, direction, title;
