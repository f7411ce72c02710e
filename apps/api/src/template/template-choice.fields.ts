import { applyDecorators } from '@nestjs/common';
import { Field } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The fields that pick an approved template and bind its placeholders, with their bounds, for every
 * input that sends one (a template in a conversation, a conversation started, a campaign and its
 * recipients): one definition, so the bounds cannot drift apart.
 */
export const TemplateNameField = (description = 'An approved template of the WhatsApp account.') =>
  applyDecorators(Field({ description }), IsString(), IsNotEmpty(), MaxLength(512));

export const TemplateLanguageField = (description = "The template's language code, e.g. en_US.") =>
  applyDecorators(Field({ description }), IsString(), IsNotEmpty(), MaxLength(20));

export const BodyParametersField = (description = 'Values of the body placeholders {{1}}, {{2}}, ... in order.') =>
  parameterList(description, 100);

export const HeaderParametersField = (description = 'Values of the header placeholders, if the header has any.') =>
  parameterList(description, 10);

function parameterList(description: string, maxItems: number) {
  return applyDecorators(
    Field(() => [String], { nullable: true, description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(maxItems),
    IsString({ each: true }),
    MaxLength(1024, { each: true }),
  );
}
