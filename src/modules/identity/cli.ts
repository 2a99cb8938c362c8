import { Command, Option } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { ROLES } from '../../domain/roles.js'
import { withServices } from '../../services.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
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
    .action(
      async (options: {
        email: string
        name: string
        role: (typeof ROLES)[number]
        force?: string
        passwordStdin?: boolean
      }) => {
        const password = options.passwordStdin ? await readStdin() : undefined
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
            if (error instanceof ValidationError) {
              const flags: Record<string, string> = { forceCode: '--force', password: '--password-stdin' }
              throw new ValidationError(
                Object.fromEntries(
                  Object.entries(error.fieldErrors).map(([field, message]) => [
                    field,
                    `${flags[field] ?? `--${field}`}: ${message}`,
                  ]),
                ),
              )
            }
            throw error
          }
        })
      },
    )
  return users
}
