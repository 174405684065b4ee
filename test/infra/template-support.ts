/*
 * Reading a synthesised CloudFormation template in the stack suites: resources by type, statements, and values
 * as text (`Fn::Join` joined, `Ref`/`Fn::GetAtt` as `${…}`).
 */
export type Json = Record<string, unknown>;
export type Resource = { Type: string; Properties?: Json; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string };
export type Resources = Record<string, Resource>;

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The origin secret's read through SSM's Secrets Manager reference path (ADR 0022), not a parameter of ours. */
export const readsOriginSecret = (s: Statement): boolean =>
  list(s.Resource as unknown).every((r) => text(r).includes(':parameter/aws/reference/secretsmanager/')) || list(s.Action).includes('secretsmanager:GetSecretValue');

export const ofType = (resources: Resources, type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

/** A CloudFormation value as text: `Fn::Join` joined, `Ref`/`Fn::GetAtt` as `${…}`. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Json;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(text).join(sep);
    }
    if ('Ref' in v) return `\${${String(v.Ref)}}`;
    if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Sub' in v) return String(v['Fn::Sub']);
  }
  return JSON.stringify(value);
}
