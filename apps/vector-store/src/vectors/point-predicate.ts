// A search filter as a test on one point, for the embedded backend's in-memory scan. The tenant is
// not in it: an index holds one tenant's points only.
import type { IndexedPoint } from './tenant-vector-index.js';
import type { PointFilter } from './vector-backend.port.js';

export function pointPredicate(filter: PointFilter): (point: IndexedPoint) => boolean {
  const anyOwner = new Set(filter.access.anyOwner);
  const own = filter.access.ownOnly;
  const ownClasses = new Set(own?.classifications ?? []);
  const documents = filter.documentIds ? new Set(filter.documentIds) : null;
  const classes = filter.classifications ? new Set(filter.classifications) : null;
  const metadata = Object.entries(filter.metadata ?? {});
  return (point) =>
    point.collection === filter.collection &&
    (filter.purpose === undefined || point.purpose === filter.purpose) &&
    (anyOwner.has(point.classification) || (own !== null && point.ownerId === own.ownerId && ownClasses.has(point.classification))) &&
    (documents === null || documents.has(point.documentId)) &&
    (classes === null || classes.has(point.classification)) &&
    (filter.subjectId === undefined || point.subjectId === filter.subjectId) &&
    metadata.every(([field, value]) => point.metadata[field] === value);
}

/** Whether the filter can let anything through at all (a caller that may read no classification cannot). */
export function grantsAnything(filter: PointFilter): boolean {
  return filter.access.anyOwner.length > 0 || (filter.access.ownOnly?.classifications.length ?? 0) > 0;
}
