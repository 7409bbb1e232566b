/**
 * Personal data a service processes, as its catalog entity declares it in the
 * `gantry.dev/personal-data` annotation (YAML or JSON), and the GDPR Article 30 record of
 * processing activities Gantry builds from those declarations.
 */
export const PERSONAL_DATA_ANNOTATION = 'gantry.dev/personal-data';

/** GDPR Art. 6(1)(a)-(f), in the order of the article. */
export const LAWFUL_BASES = [
  'consent',
  'contract',
  'legal-obligation',
  'vital-interests',
  'public-task',
  'legitimate-interests',
] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/** Safeguards for a transfer outside the EEA (GDPR Chapter V). */
export const TRANSFER_SAFEGUARDS = [
  'adequacy-decision',
  'standard-contractual-clauses',
  'binding-corporate-rules',
  'derogation',
] as const;
export type TransferSafeguard = (typeof TRANSFER_SAFEGUARDS)[number];

export interface PersonalDataProcessor {
  name: string;
  purpose?: string;
  /** Where the processor processes the data (ISO 3166 alpha-2 or `EEA`). */
  region?: string;
  /** Sub-processors the processor engages. */
  subProcessors?: string[];
}

export interface PersonalDataTransfer {
  /** ISO 3166-1 alpha-2 country code, or `EEA`. */
  region: string;
  /** Required when the region is outside the EEA. */
  safeguard?: TransferSafeguard;
}

/** What one service declares about the personal data it processes. */
export interface PersonalDataDeclaration {
  categories: string[];
  /** Special categories (Art. 9), e.g. health data; listed separately. */
  specialCategories?: string[];
  dataSubjects?: string[];
  purposes: string[];
  lawfulBasis: LawfulBasis;
  /** How long the data is kept, in Gantry's duration grammar (e.g. `30d`, `2y`); the dpia gate requires it. */
  retention?: string;
  processors: PersonalDataProcessor[];
  transfers: PersonalDataTransfer[];
  /** Absent: not declared (the dpia gate requires both true). */
  encryptionInTransit?: boolean;
  encryptionAtRest?: boolean;
}

/** One service's entry of the record of processing activities. */
export interface ProcessingActivity extends PersonalDataDeclaration {
  entityRef: string;
  system?: string;
  owner?: string;
}

/** An entity whose declaration could not be read: listed with the reason, never dropped. */
export interface InvalidProcessingDeclaration {
  entityRef: string;
  system?: string;
  owner?: string;
  reason: string;
}

/** The GDPR Article 30 record of processing activities, for one System or the catalog. */
export interface ProcessingRecord {
  /** `catalog`, or the System's entity ref. */
  scope: string;
  generatedAt: string;
  activities: ProcessingActivity[];
  invalid: InvalidProcessingDeclaration[];
  /** Entities of the scope that declare no personal data (annotation absent or `none`). */
  undeclared: string[];
}
