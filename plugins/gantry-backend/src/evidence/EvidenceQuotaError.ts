const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/** An upload that would take an entity's stored evidence past its quota: 413, nothing stored. */
export class EvidenceQuotaError extends Error {
  readonly statusCode = 413;

  constructor(
    entityRef: string,
    storedBytes: number,
    uploadBytes: number,
    megabytesPerEntity: number,
  ) {
    super(
      `${entityRef} already stores ${mib(
        storedBytes,
      )} MiB of evidence; this ${mib(
        uploadBytes,
      )} MiB upload would exceed its quota of ${megabytesPerEntity} MiB per entity. Raise gantry.limits.evidenceStorage.megabytesPerEntity in app-config if this entity needs more.`,
    );
    this.name = 'EvidenceQuotaError';
  }
}
