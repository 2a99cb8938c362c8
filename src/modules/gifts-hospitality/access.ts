import type { Role } from '../../domain/roles.js'

/** Who reads the whole register: the force's caseworkers and admins, and the inspectorate. */
export const GIFT_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who keeps it: records on someone's behalf, records approval and disposal, imports. */
export const GIFT_KEEPERS: Role[] = ['force-caseworker']
