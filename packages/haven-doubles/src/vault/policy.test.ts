import {
  Acl,
  parametersAllowed,
  parsePolicy,
  PolicyParseError,
  renderTemplatedPath,
  type Identity,
} from './policy';

describe('parsePolicy', () => {
  it('reads the HCL policies use: blocks, lists, comments, trailing commas', () => {
    const policy = parsePolicy(`
      # team A reads its secrets
      name = "app-team-a"
      path "kv-apps/data/team-a/*" {
        capabilities = ["read", "list",] // trailing comma
      }
      /* a block
         comment */
      path "sys/policies/acl/app-*" { capabilities = ["create", "update"] }
    `);
    expect(policy).toEqual({
      name: 'app-team-a',
      rules: [
        { path: 'kv-apps/data/team-a/*', capabilities: ['read', 'list'] },
        {
          path: 'sys/policies/acl/app-*',
          capabilities: ['create', 'update'],
        },
      ],
    });
  });

  it('reads the JSON form, object and array style (contracts.md 1.4)', () => {
    expect(
      parsePolicy(
        '{"path":{"kv-apps/data/team-a/*":{"capabilities":["read"]}}}',
      ).rules,
    ).toEqual([{ path: 'kv-apps/data/team-a/*', capabilities: ['read'] }]);
    expect(
      parsePolicy(
        JSON.stringify({
          path: [
            { 'a/*': { capabilities: ['read'] } },
            { b: { capabilities: ['deny'] } },
          ],
        }),
      ).rules.map(r => r.path),
    ).toEqual(['a/*', 'b']);
  });

  it('maps the legacy policy shorthand to capabilities', () => {
    expect(
      parsePolicy('path "secret/*" { policy = "write" }').rules[0].capabilities,
    ).toEqual(['create', 'read', 'update', 'delete', 'list']);
  });

  it('reads parameter constraints in both HCL spellings', () => {
    const [rule] = parsePolicy(`
      path "auth/kubernetes/role/app-*" {
        capabilities = ["create", "update"]
        allowed_parameters = {
          "token_policies" = ["app-*"]
          "audience" = ["vault"]
        }
        denied_parameters {
          "token_num_uses" = []
        }
        required_parameters = ["audience"]
      }`).rules;
    expect(rule.allowedParameters).toEqual({
      token_policies: ['app-*'],
      audience: ['vault'],
    });
    expect(rule.deniedParameters).toEqual({ token_num_uses: [] });
    expect(rule.requiredParameters).toEqual(['audience']);
  });

  it.each([
    ['an unknown top-level key', 'foo = "bar"', 'invalid key "foo" on line 1'],
    [
      'an unknown key in a path block',
      'path "a" {\n  capabilities = ["read"]\n  colour = "red"\n}',
      'path "a": invalid key "colour" on line 3',
    ],
    [
      'an unknown capability',
      'path "a" { capabilities = ["reed"] }',
      'path "a": invalid capability "reed"',
    ],
    ['an unterminated string', 'path "a { capabilities = ["read"] }', 'At 1: '],
    ['broken JSON', '{"path": ', 'JSON'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyParseError);
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it('shows why string-built HCL is dangerous: an injected name adds a rule (contracts.md 7.1)', () => {
    const app =
      'x" { capabilities = ["read"] }\npath "*" { capabilities = ["sudo", "read", "update"] } #';
    const policy = parsePolicy(
      `path "kv-apps/data/${app}/*" { capabilities = ["read"] }`,
    );
    expect(policy.rules.map(r => r.path)).toEqual(['kv-apps/data/x', '*']);
    // The JSON.stringify form keeps the whole name inside one path.
    const safe = parsePolicy(
      JSON.stringify({
        path: { [`kv-apps/data/${app}/*`]: { capabilities: ['read'] } },
      }),
    );
    expect(safe.rules).toHaveLength(1);
  });
});

describe('the ACL', () => {
  const acl = (...texts: string[]) => new Acl(texts.map(t => parsePolicy(t)));
  const caps = (a: Acl, path: string, list = false) =>
    [...(a.ruleFor(path, list)?.capabilities ?? [])].sort();

  it('matches exact paths only exactly, and globs as prefixes', () => {
    const a = acl(
      'path "secret/foo" { capabilities = ["read"] }\npath "secret/bar/*" { capabilities = ["list"] }\npath "secret/zip-*" { capabilities = ["update"] }',
    );
    expect(caps(a, 'secret/foo')).toEqual(['read']);
    expect(caps(a, 'secret/food')).toEqual([]);
    expect(caps(a, 'secret/bar/zip/zap')).toEqual(['list']);
    expect(caps(a, 'secret/bars/zip')).toEqual([]);
    expect(caps(a, 'secret/zip-zap/zong')).toEqual(['update']);
  });

  it('lets `+` stand for exactly one segment', () => {
    const a = acl('path "secret/+/teamb" { capabilities = ["read"] }');
    expect(caps(a, 'secret/foo/teamb')).toEqual(['read']);
    expect(caps(a, 'secret/foo/bar/teamb')).toEqual([]);
  });

  it('picks the highest-priority rule, not the union (policies docs priority rules 1-5)', () => {
    const a = acl(
      [
        'path "secret/*" { capabilities = ["read"] }',
        'path "secret/+/+/foo/*" { capabilities = ["update"] }',
        'path "secret/a/*" { capabilities = ["list"] }',
        'path "secret/a/b" { capabilities = ["delete"] }',
        'path "secret/+/b" { capabilities = ["create"] }',
      ].join('\n'),
    );
    // rule 3: same first wildcard position, both globs; more `+` loses
    expect(caps(a, 'secret/x/y/foo/z')).toEqual(['read']);
    // rule 1: the wildcard comes later in "secret/a/*"
    expect(caps(a, 'secret/a/c')).toEqual(['list']);
    // an exact path has no wildcard at all
    expect(caps(a, 'secret/a/b')).toEqual(['delete']);
    // "secret/+/b": first wildcard at 7, "secret/*" also at 7 but ends in *
    expect(caps(a, 'secret/z/b')).toEqual(['create']);
  });

  it('takes the union for the same path in several policies, and deny wins', () => {
    const a = acl(
      'path "secret/data/x" { capabilities = ["read"] }',
      'path "secret/data/x" { capabilities = ["update"] }',
    );
    expect(caps(a, 'secret/data/x')).toEqual(['read', 'update']);
    const d = acl(
      'path "secret/data/x" { capabilities = ["read"] }',
      'path "secret/data/x" { capabilities = ["deny"] }',
    );
    expect(a.ruleFor('secret/data/x', false)?.capabilities.has('deny')).toBe(
      false,
    );
    expect(d.ruleFor('secret/data/x', false)?.capabilities.has('deny')).toBe(
      true,
    );
  });

  it('lets a rule without the trailing slash govern a LIST (hashicorp/vault#23874)', () => {
    const a = acl(
      'path "sys/policies/acl" { capabilities = ["list"] }\npath "+/metadata" { capabilities = ["list"] }',
    );
    expect(caps(a, 'sys/policies/acl/', true)).toEqual(['list']);
    expect(caps(a, 'secret/metadata/', true)).toEqual(['list']);
    expect(caps(a, 'sys/policies/acl/', false)).toEqual([]);
  });

  describe('identity templating', () => {
    const identity: Identity = {
      entityId: 'e-1',
      entityName: 'entity_1',
      aliases: [
        {
          mountAccessor: 'auth_kubernetes_1234',
          id: 'a-1',
          name: 'uid-1',
          metadata: {
            service_account_namespace: 'team-a',
            service_account_name: 'orders',
          },
        },
      ],
    };
    const templated =
      'kv-apps/data/{{identity.entity.aliases.auth_kubernetes_1234.metadata.service_account_namespace}}/*';

    it('renders alias metadata, entity id and name', () => {
      expect(renderTemplatedPath(templated, identity)).toBe(
        'kv-apps/data/team-a/*',
      );
      expect(
        renderTemplatedPath(
          'x/{{identity.entity.id}}/{{ identity.entity.name }}',
          identity,
        ),
      ).toBe('x/e-1/entity_1');
    });

    it('drops a rule whose value is missing, or renders `*`/`+` (contracts.md 1.8)', () => {
      expect(
        renderTemplatedPath(
          'x/{{identity.entity.aliases.auth_other.name}}',
          identity,
        ),
      ).toBeUndefined();
      const wild: Identity = {
        ...identity,
        aliases: [
          {
            ...identity.aliases[0],
            metadata: { service_account_namespace: '*' },
          },
        ],
      };
      expect(renderTemplatedPath(templated, wild)).toBeUndefined();
      const a = new Acl(
        [parsePolicy(`path "${templated}" { capabilities = ["read"] }`)],
        wild,
      );
      expect(a.ruleFor('kv-apps/data/team-b/x', false)).toBeUndefined();
    });

    it('gives each token only its own namespace', () => {
      const a = new Acl(
        [parsePolicy(`path "${templated}" { capabilities = ["read"] }`)],
        identity,
      );
      expect(caps(a, 'kv-apps/data/team-a/db')).toEqual(['read']);
      expect(caps(a, 'kv-apps/data/team-b/db')).toEqual([]);
    });
  });

  describe('parameter constraints', () => {
    const rule = (text: string) =>
      acl(text).ruleFor('auth/kubernetes/role/app-x', false)!;

    it('checks each element of a list against allowed values (Vault 1.21+, contracts.md 7.4)', () => {
      const r = rule(
        'path "auth/kubernetes/role/app-*" { capabilities = ["create"]\n allowed_parameters = { "token_policies" = ["app-*"] "bound_service_account_names" = [] "audience" = ["vault"] } }',
      );
      expect(
        parametersAllowed(r, {
          token_policies: ['app-x', 'app-y'],
          bound_service_account_names: ['anything'],
          audience: 'vault',
        }),
      ).toBe(true);
      expect(parametersAllowed(r, { token_policies: ['app-x', 'admin'] })).toBe(
        false,
      );
      expect(parametersAllowed(r, { audience: 'other' })).toBe(false);
      expect(parametersAllowed(r, { token_ttl: '1h' })).toBe(false);
    });

    it('honours "*", denied and required parameters', () => {
      const r = rule(
        'path "auth/kubernetes/role/app-*" { capabilities = ["create"]\n allowed_parameters = { "*" = [] }\n denied_parameters = { "token_policies" = ["root", "*-admin"] }\n required_parameters = ["audience"] }',
      );
      expect(parametersAllowed(r, { audience: 'vault', x: 1 })).toBe(true);
      expect(parametersAllowed(r, { x: 1 })).toBe(false);
      expect(
        parametersAllowed(r, { audience: 'vault', token_policies: ['root'] }),
      ).toBe(false);
      expect(
        parametersAllowed(r, {
          audience: 'vault',
          token_policies: 'ops-admin',
        }),
      ).toBe(false);
    });
  });
});
