// What an entity was compared with, as the papers' sentences state it: the baselines it was
// compared against ("baseline"), and what was compared against it ("challenger"), with the
// dataset the sentence names and its words. Parameters: $name.
MATCH (target:Entity)
WHERE toLower(target.name) = toLower($name) OR any(a IN target.aliases WHERE toLower(a) = toLower($name))
CALL (target) {
  MATCH (c:Comparison)-[:CHALLENGER]->(target), (c)-[:BASELINE]->(other)
  RETURN c, other, 'baseline' AS direction
  UNION
  MATCH (c:Comparison)-[:BASELINE]->(target), (c)-[:CHALLENGER]->(other)
  RETURN c, other, 'challenger' AS direction
}
MATCH (p:Paper)-[:STATES]->(c)
OPTIONAL MATCH (c)-[:DATASET]->(d:Dataset)
WITH DISTINCT p, c, d, other, direction, target
WHERE other <> target
RETURN other.id AS other, other.name AS otherName, direction, d.name AS dataset, p.title AS title,
       c.text AS text
ORDER BY otherName, direction, title, text;
