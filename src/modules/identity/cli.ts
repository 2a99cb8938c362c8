import { Command, Option } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { isForceRole, ROLES, type Role } from '../../domain/roles.js'
import { withServices } from '../../services.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

interface AddOptions {
  email: string
  name: string
  role: Role
  force?: string
  passwordStdin?: boolean
}

const FLAGS: Record<string, string> = { forceCode: '--force', password: '--password-stdin' }

/** The service's messages are written for the web form: on the command line, each names its flag. */
function asFlagProblems(fieldErrors: Record<string, string>, options: AddOptions): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fieldErrors).map(([field, message]) => {
      if (field === 'forceCode' && isForceRole(options.role)) {
        message = options.force
          ? `no force has the code ${JSON.stringify(options.force)}: give a force code, e.g. cheshire (see /api/forces)`
          : `the role ${options.role} belongs to one force: give its force code, e.g. cheshire (see /api/forces)`
      }
      return [field, `${FLAGS[field] ?? `--${field}`}: ${message}`]
    }),
  )
}

/** `probity users add`: how the first administrator is made, and any account from a script. */
export function usersCommand(): Command {
  const users = new Command('users').description('Manage the people who sign in')
  users
    .command('add')
    .description('Add a user; prints a one-time password unless --password-stdin gives one')
    .requiredOption('--email <email>', 'their email address, used to sign in')
    .requiredOption('--name <name>', 'their full name')
    .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory())
    .option('--force <code>', 'the force a force role belongs to, e.g. cheshire (see /api/forces)')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (options: AddOptions) => {
      const password = options.passwordStdin ? await readStdin() : undefined
      // An empty pipe (say, an unset variable) must not quietly become a generated password.
      if (password === '') {
        throw new ValidationError({
          password: '--password-stdin: standard input was empty: pipe in the password',
        })
      }
      await withServices(loadConfig().database, async (services) => {
        try {
          const { user, oneTimePassword } = await services.users.create(SYSTEM_CALLER, {
            email: options.email,
            name: options.name,
            role: options.role,
            forceCode: options.force,
            password,
          })
          console.log(
            `Added ${user.name} <${user.email}> as ${user.roleLabel}${user.force ? ` of ${user.force.name}` : ''}.`,
          )
          if (oneTimePassword) console.log(`One-time password (shown only now): ${oneTimePassword}`)
        } catch (error) {
          if (error instanceof ValidationError)
            throw new ValidationError(asFlagProblems(error.fieldErrors, options))
          throw error
        }
      })
    })
  return users
}
