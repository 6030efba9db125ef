/**
 * One Handlebars environment for every generated file: `noEscape` (output is YAML and Markdown,
 * not HTML), `strict` (a missing variable is an error, not an empty string), and a `raw` block
 * helper so Helm's own `{{ }}` passes through untouched.
 */
import Handlebars from 'handlebars';

/** Template sources by path relative to the templates folder, e.g. `chart/Chart.yaml.hbs`. */
export type TemplateSources = ReadonlyMap<string, string>;

export type RenderTemplate = (path: string, context: object) => string;

/** Compiles `sources` once; partials are the files whose name starts with `_` and ends in `.hbs`. */
export function createTemplateRenderer(sources: TemplateSources): RenderTemplate {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));
  // A JSON string is a valid double-quoted YAML scalar: data in skeletons stays data.
  handlebars.registerHelper('yamlString', (value: unknown) => JSON.stringify(String(value)));
  for (const [path, source] of sources) {
    const file = path.slice(path.lastIndexOf('/') + 1);
    if (file.startsWith('_') && file.endsWith('.hbs') && !file.endsWith('.tpl.hbs')) {
      handlebars.registerPartial(partialName(file), standaloneRawTags(source));
    }
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return (path, context) => {
    let template = compiled.get(path);
    if (!template) {
      const source = sources.get(path);
      if (source === undefined) throw new Error(`chart-builder: no template "${path}" in the templates folder`);
      template = handlebars.compile(standaloneRawTags(source), { noEscape: true, strict: true });
      compiled.set(path, template);
    }
    return tidy(template(context));
  };
}

/** `_policy-header.hbs` -> `policyHeader`. */
function partialName(file: string): string {
  return file
    .slice(1, -'.hbs'.length)
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** A raw tag alone on its line takes its line break with it, as Handlebars' own block tags do. */
function standaloneRawTags(source: string): string {
  return source.replace(/^\{\{\{\{(\/?raw)\}\}\}\}\n/gm, '{{{{$1}}}}');
}

/** Exactly one trailing newline. */
function tidy(text: string): string {
  return `${text.trimEnd()}\n`;
}
