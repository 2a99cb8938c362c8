import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('defaults to port 3000 and the embedded database in ./data', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.database).toEqual({ kind: 'embedded', dataDir: path.resolve('data') })
    expect(config.production).toBe(false)
  })

  it('uses the PostgreSQL server when DATABASE_URL is set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://probity:secret@db.internal:5432/probity',
      PORT: '8080',
    })
    expect(config.database).toEqual({
      kind: 'server',
      url: 'postgres://probity:secret@db.internal:5432/probity',
    })
    expect(config.port).toBe(8080)
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000)
  })

  it.each([
    ['PORT', 'abc', /^Invalid setting PORT="abc": expected a whole number from 1 to 65535$/],
    ['PORT', '70000', /^Invalid setting PORT="70000": expected a whole number from 1 to 65535$/],
    ['PORT', '3.5', /^Invalid setting PORT="3.5": expected a whole number from 1 to 65535$/],
    ['LOG_LEVEL', 'loud', /^Invalid setting LOG_LEVEL="loud": expected one of fatal, error/],
    [
      'NODE_ENV',
      'staging',
      /^Invalid setting NODE_ENV="staging": expected one of development, production, test$/,
    ],
    ['DRAIN_SECONDS', '-1', /^Invalid setting DRAIN_SECONDS="-1": expected a whole number of seconds/],
    [
      'SHUTDOWN_TIMEOUT_SECONDS',
      'soon',
      /^Invalid setting SHUTDOWN_TIMEOUT_SECONDS="soon": expected a whole/,
    ],
  ])('rejects %s=%s with one line naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })

  it('starts every link in an email with PROBITY_PUBLIC_URL, or with localhost and the port', () => {
    expect(loadConfig({ PORT: '4000' }).notifications.baseUrl).toBe('http://localhost:4000')
    expect(loadConfig({ PROBITY_PUBLIC_URL: 'https://probity.example' }).notifications.baseUrl).toBe(
      'https://probity.example',
    )
  })

  it('refuses PUBLIC_BASE_URL, the old name of PROBITY_PUBLIC_URL, rather than ignore it', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://probity.example' })).toThrow(
      /^Renamed setting PUBLIC_BASE_URL: set PROBITY_PUBLIC_URL instead$/,
    )
  })

  it('drains for no time and waits ten seconds for requests in flight, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ drainMs: 0, shutdownTimeoutMs: 10_000 })
    expect(loadConfig({ DRAIN_SECONDS: '5', SHUTDOWN_TIMEOUT_SECONDS: '30' })).toMatchObject({
      drainMs: 5_000,
      shutdownTimeoutMs: 30_000,
    })
  })

  it('writes no audit checkpoints unless a folder and a key are set, hourly by default', () => {
    expect(loadConfig({}).auditCheckpoints).toEqual({ intervalMs: 3_600_000 })
    expect(
      loadConfig({
        PROBITY_AUDIT_CHECKPOINT_DIR: 'checkpoints',
        PROBITY_AUDIT_KEY_FILE: 'audit.key',
        PROBITY_AUDIT_CHECKPOINT_MINUTES: '15',
      }).auditCheckpoints,
    ).toEqual({
      folder: path.resolve('checkpoints'),
      keyFile: path.resolve('audit.key'),
      intervalMs: 900_000,
    })
    expect(() => loadConfig({ PROBITY_AUDIT_CHECKPOINT_DIR: 'checkpoints' })).toThrow(
      /^Missing setting PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE/,
    )
    expect(() => loadConfig({ PROBITY_AUDIT_CHECKPOINT_MINUTES: '0' })).toThrow(
      /^Invalid setting PROBITY_AUDIT_CHECKPOINT_MINUTES="0": expected a whole number of minutes/,
    )
    // The key is a secret: a wrong one is named, never shown.
    expect(() => loadConfig({ PROBITY_AUDIT_KEY: 'hunter2' })).toThrow(
      /^Invalid setting PROBITY_AUDIT_KEY: expected an Ed25519 private key in PEM form$/,
    )
  })

  it('trusts no proxy unless told which', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ])
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/^Invalid setting TRUST_PROXY="everyone"/)
  })

  it('requires COOKIE_SECRET in production, and never echoes it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/Missing setting COOKIE_SECRET/)
    expect(() => loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'short-secret' })).toThrow(
      /^Invalid setting COOKIE_SECRET: expected at least 32 random characters/,
    )
    expect(loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(32) }).cookieSecret).toBe(
      'x'.repeat(32),
    )
  })

  it('never echoes a DATABASE_URL, which may hold a password', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'mysql://probity:hunter2@db/probity' })
    expect(attempt).toThrow('Invalid setting DATABASE_URL: expected a PostgreSQL URL')
    expect(attempt).not.toThrow(/hunter2/)
  })
})
