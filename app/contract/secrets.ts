import { Type } from '@sinclair/typebox';
import { NoArgs } from './app.ts';

export const SecretName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
  words: {
    empty: 'Enter a name for the secret, for example OPENAI_API_KEY',
    invalid: 'Use at most 128 letters, digits and . _ : - only, starting with a letter or digit',
  },
});

/** The renderer only ever learns whether a secret is set, never its value. */
export const SecretInfo = Type.Object({ name: Type.String(), set: Type.Literal(true), updatedAt: Type.String() });

export const KeyringStatus = Type.Object({ available: Type.Boolean(), message: Type.String() });

export const secretChannels = {
  'secrets.status': { args: NoArgs, result: KeyringStatus },
  'secrets.list': { args: NoArgs, result: Type.Array(SecretInfo) },
  'secrets.set': {
    args: Type.Object({ name: SecretName, value: Type.String({ minLength: 1, maxLength: 16384, words: { empty: 'Enter the secret’s value' } }) }, { additionalProperties: false }),
    result: SecretInfo,
  },
  'secrets.delete': {
    args: Type.Object({ name: SecretName }, { additionalProperties: false }),
    result: Type.Object({ deleted: Type.Boolean() }),
  },
} as const;

export const secretEvents = {
  'secrets.changed': Type.Array(SecretInfo),
} as const;
