import { randomBytes } from 'node:crypto'
import type { DatabaseSettings } from './config.js'
import { type Database, type DatabaseHandle, openDatabase } from './db/connection.js'
import type { DataChanges } from './db/data-changes.js'
import { migrateDatabase } from './db/migrate.js'
import { Searches, type SearchLimits } from './db/searches.js'
import { serviceClock } from './demo-clock.js'
import { AcuStaffingService } from './modules/acu-staffing/service.js'
import { AlertsService } from './modules/alerts/service.js'
import { AuditService } from './modules/audit/service.js'
import { BusinessInterestsService } from './modules/business-interests/service.js'
import { ConfidentialReportsService } from './modules/confidential-reports/service.js'
import { DataReturnsService } from './modules/data-returns/service.js'
import { DeskResearchService } from './modules/desk-research/service.js'
import { EscalationService } from './modules/escalation/service.js'
import { FieldworkService } from './modules/fieldwork/service.js'
import { ForceDashboardService } from './modules/force-dashboard/service.js'
import { ForcesService } from './modules/forces/service.js'
import { FrameworksService } from './modules/frameworks/service.js'
import { GiftsHospitalityService } from './modules/gifts-hospitality/service.js'
import { HealthService } from './modules/health/service.js'
import { ApiTokensService } from './modules/identity/api-tokens-service.js'
import { FederatedSignInService } from './modules/identity/federated-sign-in.js'
import { SignInService } from './modules/identity/sign-in-service.js'
import { UsersService } from './modules/identity/users-service.js'
import { PendingImportsService } from './modules/imports/service.js'
import { InspectionsService } from './modules/inspections/service.js'
import { IntegrityCasesService } from './modules/integrity-cases/service.js'
import { IntegrityPictureService } from './modules/integrity-picture/service.js'
import { MediaContactsService } from './modules/media-contacts/service.js'
import { type NotificationSettings, NotificationsService } from './modules/notifications/service.js'
import { OrganisationsService } from './modules/organisations/service.js'
import { PoliciesService } from './modules/policies/service.js'
import { DocumentImportsService } from './modules/press-releases/imports-service.js'
import { PressReleaseSettingsService } from './modules/press-releases/settings-service.js'
import { ServicesFactsSources } from './modules/publication/facts-sources.js'
import { PublicationPdfs } from './modules/publication/pdf-store.js'
import { PublicationService } from './modules/publication/service.js'
import { PublishedRegistersService } from './modules/published-registers/service.js'
import { RecommendationProgressService } from './modules/recommendation-progress/service.js'
import { ReferralsService } from './modules/referrals/service.js'
import { RosterService } from './modules/roster/service.js'
import { PasskeyService } from './modules/second-factor/passkeys.js'
import { type AdminSecondFactor, SecondFactorService } from './modules/second-factor/service.js'
import { SelfAssessmentsService } from './modules/self-assessments/service.js'
import { SignOffService } from './modules/self-assessments/sign-off.js'
import { SettingsService } from './modules/settings/service.js'
import { SurveysService } from './modules/surveys/service.js'
import { TranslationsService } from './modules/translations/service.js'
import { type UploadLimits, uploadLimits } from './spreadsheets/limits.js'

export interface ServiceOptions {
  /** The clock every rule reads; tests replace it to move time on. */
  now?: () => Date
  /** How much one uploaded spreadsheet may hold, where settings or a test change the defaults. */
  uploadLimits?: Partial<UploadLimits>
  /** Whether administrators who sign in with a password must set up a second factor (the server's default). */
  adminSecondFactor?: AdminSecondFactor
  /**
   * The AES-256 key that seals confidential reports' attachments (config.ts: PROBITY_REPORTS_KEY, or
   * the data folder's generated key); null in production without one, when reports take no files. Not
   * given, a key for this process only: enough for tests and for commands that never read an attachment.
   */
  reportsKey?: Buffer | null
  /** Where notification emails go (SMTP or the outbox) and the address their links start with. */
  notifications?: NotificationSettings
  /** How many register searches run at once and how long one statement of theirs may take (tests shorten it). */
  searchLimits?: SearchLimits
  /**
   * The database's changes, heard by a server (the app starts hearing them), so reference data read on
   * most requests is kept in memory until the data changes; none, or not heard: read each time.
   */
  changes?: DataChanges
}

/** Every module's use cases, built over one database; the app and the CLI are made from these. */
export function createServices(db: Database, { now = () => new Date(), ...options }: ServiceOptions = {}) {
  const forces = new ForcesService(db, now, options.changes)
  const audit = new AuditService(db, forces, now)
  const secondFactors = new SecondFactorService(db, now, options.adminSecondFactor ?? 'optional')
  const signIn = new SignInService(db, now, secondFactors)
  const pendingImports = new PendingImportsService(db, now, uploadLimits(options.uploadLimits))
  const roster = new RosterService(db, forces, pendingImports, audit, now)
  // One for the process, so the three registers' searches together hold at most a quarter of the pool.
  const searches = new Searches(options.searchLimits)
  const businessInterests = new BusinessInterestsService(db, forces, audit, pendingImports, now, searches)
  const giftsHospitality = new GiftsHospitalityService(
    db,
    roster,
    audit,
    pendingImports,
    now,
    searches,
    options.changes,
  )
  const mediaContacts = new MediaContactsService(db, roster, audit, pendingImports, now, searches)
  const integrityCases = new IntegrityCasesService(
    db,
    roster,
    audit,
    { businessInterests, giftsHospitality, mediaContacts },
    now,
  )
  const frameworks = new FrameworksService(db, forces, now)
  const inspections = new InspectionsService(db, forces, frameworks, now)
  const referrals = new ReferralsService(db, forces, integrityCases, audit, now)
  const acuStaffing = new AcuStaffingService(db, forces, now)
  const policies = new PoliciesService(db, forces, roster, audit, now)
  const dataReturns = new DataReturnsService(
    db,
    forces,
    inspections,
    { businessInterests, integrityCases, referrals, acuStaffing, roster, policies },
    pendingImports,
    audit,
    now,
  )
  const signOff = new SignOffService(db, forces, roster, now)
  const selfAssessments = new SelfAssessmentsService(db, inspections, frameworks, signOff, now)
  const fieldwork = new FieldworkService(db, inspections, frameworks, audit, now)
  const recommendationProgress = new RecommendationProgressService(db, inspections, frameworks, now)
  const documentImports = new DocumentImportsService(db, forces, inspections, dataReturns, fieldwork, now)
  const surveys = new SurveysService(db, forces, pendingImports.limits, now)
  const deskResearch = new DeskResearchService(db, forces, referrals, now)
  const pressReleaseSettings = new PressReleaseSettingsService(db, inspections, now)
  const alerts = new AlertsService(db, integrityCases, now)
  const integrityPicture = new IntegrityPictureService(
    db,
    { roster, businessInterests, giftsHospitality, mediaContacts, integrityCases, policies, alerts, audit },
    now,
  )
  const publication = new PublicationService(
    db,
    forces,
    new ServicesFactsSources({
      forces,
      inspections,
      dataReturns,
      fieldwork,
      recommendationProgress,
      selfAssessments,
      deskResearch,
      surveys,
      pressReleaseSettings,
    }),
    now,
  )
  return {
    forces,
    health: new HealthService(db),
    settings: new SettingsService(db, now),
    translations: new TranslationsService(db, now),
    audit,
    users: new UsersService(db, forces, now),
    secondFactors,
    passkeys: new PasskeyService(db, now, secondFactors),
    signIn,
    federatedSignIn: new FederatedSignInService(db, now, signIn),
    apiTokens: new ApiTokensService(db, forces, now),
    pendingImports,
    roster,
    businessInterests,
    giftsHospitality,
    mediaContacts,
    organisations: new OrganisationsService(db, now),
    publishedRegisters: new PublishedRegistersService(db, forces, businessInterests, giftsHospitality, now),
    integrityCases,
    confidentialReports: new ConfidentialReportsService(
      db,
      forces,
      integrityCases,
      options.reportsKey === undefined ? randomBytes(32) : options.reportsKey,
      now,
    ),
    alerts,
    integrityPicture,
    referrals,
    deskResearch,
    surveys,
    acuStaffing,
    policies,
    frameworks,
    inspections,
    selfAssessments,
    signOff,
    dataReturns,
    fieldwork,
    recommendationProgress,
    documentImports,
    pressReleaseSettings,
    publication,
    publicationPdfs: new PublicationPdfs(db, publication, now),
    escalation: new EscalationService(
      db,
      forces,
      { inspections, frameworks, recommendationProgress, fieldwork, dataReturns, policies },
      now,
    ),
    notifications: new NotificationsService(db, { businessInterests, policies }, now, options.notifications),
    forceDashboard: new ForceDashboardService(
      db,
      forces,
      {
        businessInterests,
        giftsHospitality,
        mediaContacts,
        integrityCases,
        referrals,
        acuStaffing,
        policies,
      },
      now,
    ),
  }
}

export type Services = ReturnType<typeof createServices>

/**
 * Opens the configured database, brings it up to date, and runs one piece of work with the services:
 * what every CLI command that touches data does. The database is closed however the work ends. The
 * services read the database's clock (the demo's, on a demo database; `demo` makes it one).
 */
export async function withServices<T>(
  settings: DatabaseSettings,
  work: (services: Services, database: DatabaseHandle) => Promise<T>,
  options: { demo?: boolean } = {},
): Promise<T> {
  const database = await openDatabase(settings)
  try {
    await migrateDatabase(database)
    const { now } = await serviceClock(database.db, { demo: options.demo ?? false, production: false })
    return await work(createServices(database.db, { now }), database)
  } finally {
    await database.close()
  }
}
