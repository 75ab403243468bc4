/** STS's query-protocol XML shapes (as the real service sends them, indented). */
import { STS_NAMESPACE, isoSeconds, type Session } from './sts-model.js';

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<Name>escaped value</Name>` */
export function el(name: string, value: string): string {
  return `<${name}>${xmlEscape(value)}</${name}>`;
}

export function resultXml(action: string, inner: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}">\n` +
    `  <${action}Result>\n${inner}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    ${el('RequestId', requestId)}\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

export function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>\n    ${el('Type', type)}\n    ${el('Code', code)}\n    ${el('Message', message)}\n  </Error>\n` +
    `  ${el('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  );
}

export function credentialsXml(session: Session): string {
  return (
    `    <Credentials>\n` +
    `      ${el('AccessKeyId', session.accessKeyId)}\n` +
    `      ${el('SecretAccessKey', session.secretAccessKey)}\n` +
    `      ${el('SessionToken', session.sessionToken)}\n` +
    `      ${el('Expiration', isoSeconds(session.expiration))}\n` +
    `    </Credentials>\n`
  );
}

export function assumeRoleResultXml(session: Session, packedPolicySize: number | undefined): string {
  const role = session.role;
  if (!role) throw new Error('sts rig: not a role session');
  const sessionName = session.sessionName ?? '';
  return (
    (session.sourceIdentity !== undefined ? `    ${el('SourceIdentity', session.sourceIdentity)}\n` : '') +
    `    <AssumedRoleUser>\n` +
    `      ${el('AssumedRoleId', `${role.roleId}:${sessionName}`)}\n` +
    `      ${el('Arn', `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`)}\n` +
    `    </AssumedRoleUser>\n` +
    credentialsXml(session) +
    (packedPolicySize !== undefined ? `    ${el('PackedPolicySize', String(packedPolicySize))}\n` : '')
  );
}

export function webIdentityResultXml(session: Session): string {
  const role = session.role;
  const web = session.webIdentity;
  if (!role || !web) throw new Error('sts rig: not a web identity session');
  const sessionName = session.sessionName ?? '';
  const provider = web.provider.replace(/^arn:[^:]*:iam::\d+:oidc-provider\//, '');
  return (
    `    ${el('SubjectFromWebIdentityToken', web.subject)}\n` +
    `    ${el('Audience', web.audience)}\n` +
    `    <AssumedRoleUser>\n` +
    `      ${el('AssumedRoleId', `${role.roleId}:${sessionName}`)}\n` +
    `      ${el('Arn', `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`)}\n` +
    `    </AssumedRoleUser>\n` +
    credentialsXml(session) +
    `    ${el('Provider', provider)}\n`
  );
}

export function callerIdentityResultXml(identity: { arn: string; userId: string; account: string }): string {
  return `    ${el('Arn', identity.arn)}\n    ${el('UserId', identity.userId)}\n    ${el('Account', identity.account)}\n`;
}
